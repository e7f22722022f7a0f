package org.libhotline;

/** The policy is invalid (C code -12). */
public class PolicyException extends HotlineException {
	private static final long serialVersionUID = 1L;

	public PolicyException(String message) {
		super(-12, message);
	}
}
