package org.libhotline;

/** The command is not allowed in the case's current state (C code -1). */
public class InvalidTransitionException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public InvalidTransitionException(String message) {
		super(-1, message);
	}
}
