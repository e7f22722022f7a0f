package org.libhotline;

/**
 * A call into libhotline failed. Unchecked, like most modern Java APIs: a
 * refused command is an answer the caller may or may not want to handle
 * where it happens, and the subclasses (one per code of the C library's
 * HOTLINE_ERRORS list) let it catch exactly what it acts on, for example
 * {@link ConflictException} to retry or {@link NotFoundException}.
 */
public class HotlineException extends RuntimeException {
	private static final long serialVersionUID = 1L;
	private final int code;

	/** {@code code}: the C library's negative error code; {@code message}: its text. */
	public HotlineException(int code, String message) {
		super(message);
		this.code = code;
	}

	/** The C library's error code (HOTLINE_EINVALID is -3, ...). */
	public int code() {
		return code;
	}

	/** The snake-case name the library uses in JSON ("invalid", "not_found", ...). */
	public String errorName() {
		switch (code) {
		case -1: return "invalid_transition";
		case -2: return "forbidden";
		case -3: return "invalid";
		case -4: return "not_found";
		case -5: return "conflict";
		case -6: return "duplicate";
		case -7: return "storage";
		case -8: return "nomem";
		case -9: return "corrupt";
		case -10: return "range";
		case -11: return "io";
		case -12: return "policy";
		case -13: return "key";
		case -14: return "busy";
		default: return "unknown";
		}
	}
}
