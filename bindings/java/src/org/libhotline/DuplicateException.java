package org.libhotline;

/** An object with this id already exists (C code -6). */
public class DuplicateException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public DuplicateException(String message) {
		super(-6, message);
	}
}
