package org.libhotline;

/** Outside the range of loaded calendar data (C code -10). */
public class OutOfRangeException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public OutOfRangeException(String message) {
		super(-10, message);
	}
}
