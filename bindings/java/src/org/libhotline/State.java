package org.libhotline;

import java.util.Locale;

/** Case states (DESIGN §2); {@link #wireName} is the name the documents and commands use. */
public enum State {
	RECEIVED, DISPATCHED, HANDLED, REVISITED, VERIFIED, CLOSED, ESCALATED, STAGE_CLOSED, MALICIOUS_EXEMPT;

	/** "received", "stage_closed", ... */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The state of a wire name; {@link InvalidException} for an unknown one. */
	public static State of(String wireName) {
		for (State s : values())
			if (s.wireName().equals(wireName))
				return s;
		throw new InvalidException("unknown state: " + wireName);
	}
}
