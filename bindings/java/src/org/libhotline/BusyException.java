package org.libhotline;

/**
 * The database stayed busy past the busy timeout: another writer held it
 * (C code -14). Nothing was changed; the call may be retried.
 */
public class BusyException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public BusyException(String message) {
		super(-14, message);
	}
}
