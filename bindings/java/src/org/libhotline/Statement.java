package org.libhotline;

import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A person's statement of a month (工资条, documents.md): the lines, the raw
 * total, the month's bonus (null: no cap), the capped total and the cap
 * applied (Art. 22). {@code json} is the library's document.
 */
public record Statement(String person, String name, String month, String policy, OffsetDateTime asOf,
	OffsetDateTime periodFrom, OffsetDateTime periodTo, List<Line> lines, long rawFen, Long bonusFen,
	long cappedFen, long capAppliedFen, String json) {

	/** A penalty of the month: rule, article, title, case (null: the organisation), amount and increments. */
	public record Line(String rule, int article, Title title, @SerializedName("case") String caseId, long amountFen,
		int increments, OffsetDateTime incurredAt) {
	}

	static Statement parse(String text) {
		JsonObject raw = Docs.object(text);
		JsonObject period = raw.getAsJsonObject("period");
		return new Statement(Docs.string(raw, "person"), Docs.string(raw, "name"), Docs.string(raw, "month"),
			Docs.string(raw, "policy"), Docs.time(raw, "as_of"), Docs.time(period, "from"), Docs.time(period, "to"),
			Docs.list(raw, "lines", Line.class), Docs.number(raw, "raw_fen"), Docs.as(raw.get("bonus_fen"), Long.class),
			Docs.number(raw, "capped_fen"), Docs.number(raw, "cap_applied_fen"), text);
	}
}
