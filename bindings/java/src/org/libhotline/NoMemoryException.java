package org.libhotline;

/** The library ran out of memory (C code -8). */
public class NoMemoryException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public NoMemoryException(String message) {
		super(-8, message);
	}
}
