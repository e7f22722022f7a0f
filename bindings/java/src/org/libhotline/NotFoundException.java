package org.libhotline;

/** No such case, person, property or record (C code -4). */
public class NotFoundException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public NotFoundException(String message) {
		super(-4, message);
	}
}
