package org.libhotline;

/** The case's version differs from the expected version (C code -5). */
public class ConflictException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public ConflictException(String message) {
		super(-5, message);
	}
}
