package org.libhotline;

/** No key, or not this database's key, for owners' personal data (C code -13). */
public class WrongKeyException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public WrongKeyException(String message) {
		super(-13, message);
	}
}
