package org.libhotline;

/** An invalid argument or malformed command; also any use of a closed Database (C code -3). */
public class InvalidException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public InvalidException(String message) {
		super(-3, message);
	}
}
