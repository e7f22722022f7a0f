package org.libhotline;

import com.google.gson.annotations.SerializedName;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A penalty: the total of one rule's increments for a case (null: the
 * organisation) and a person (null: the liable role has no holder). In an
 * explanation also the rule's title, the property, each increment and the
 * events it rests on; elsewhere those are null or empty.
 */
public record Penalty(String rule, int article, @SerializedName("case") String caseId, String person, long amountFen,
	OffsetDateTime incurredAt, Title title, String property, List<Increment> increments, List<Long> evidence,
	boolean provisional) {

	/** One increment of a penalty. */
	public record Increment(OffsetDateTime at, long amountFen) {
	}

	public Penalty {
		increments = increments == null ? List.of() : List.copyOf(increments);
		evidence = evidence == null ? List.of() : List.copyOf(evidence);
	}
}
