package org.libhotline;

/** The actor's role or property scope does not allow this command (C code -2). */
public class ForbiddenException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public ForbiddenException(String message) {
		super(-2, message);
	}
}
