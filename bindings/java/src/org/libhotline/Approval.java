package org.libhotline;

import java.util.Locale;

/** Approval status of an escalation, stage closure or malicious-complaint request. */
public enum Approval {
	NONE, PENDING, APPROVED;

	/** "none", "pending" or "approved". */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	static Approval of(String wireName) {
		for (Approval a : values())
			if (a.wireName().equals(wireName))
				return a;
		throw new InvalidException("unknown approval: " + wireName);
	}
}
