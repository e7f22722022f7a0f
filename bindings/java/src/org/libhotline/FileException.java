package org.libhotline;

/** A file could not be read or written (C code -11). */
public class FileException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public FileException(String message) {
		super(-11, message);
	}
}
