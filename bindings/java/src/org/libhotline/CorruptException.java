package org.libhotline;

/** Stored data failed an integrity check (C code -9). */
public class CorruptException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public CorruptException(String message) {
		super(-9, message);
	}
}
