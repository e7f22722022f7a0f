package org.libhotline;

/** The storage backend failed (C code -7). */
public class StorageException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public StorageException(String message) {
		super(-7, message);
	}
}
