package org.libhotline;

import com.google.gson.annotations.SerializedName;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * A deadline of a rule (an assessment's breaches and open deadlines, an
 * explanation's deadlines): when its clock started, when it was due, its
 * state (pending, met, missed, stopped) and how late it is. {@code overdue}
 * is set for an assessment's open deadlines only (null elsewhere);
 * {@code title} and {@code clock} in explanations only.
 */
public record Deadline(String rule, int article, @SerializedName("case") String caseId, String state,
	OffsetDateTime startedAt, OffsetDateTime due, long lateSeconds, OffsetDateTime metAt, OffsetDateTime stoppedAt,
	Boolean overdue, Title title, String clock, boolean provisional) {

	/** The lateness as a duration. */
	public Duration late() {
		return Duration.ofSeconds(lateSeconds);
	}
}
