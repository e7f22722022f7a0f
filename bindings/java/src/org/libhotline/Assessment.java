package org.libhotline;

import com.google.gson.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The monthly assessment at {@code asOf} (documents.md, "The assessment"):
 * every penalty up to then, the period's breaches and open deadlines, each
 * property's rates and each person's totals capped by the bonus, and the
 * events each penalty rests on. {@code json} is the library's document.
 */
public record Assessment(String policy, String month, OffsetDateTime asOf, OffsetDateTime periodFrom,
	OffsetDateTime periodTo, List<Penalty> penalties, List<Deadline> breaches, List<Deadline> openDeadlines,
	List<PropertyRates> properties, List<PersonTotal> people, List<Evidence> evidence, String json) {

	/** A ratio such as a closure rate: {@code num} cases out of {@code den}. */
	public record Rate(long num, long den) {
		/** num / den, or NaN when nothing was counted. */
		public double value() {
			return den == 0 ? Double.NaN : (double) num / den;
		}
	}

	/** A property's closure and satisfaction rates over the period (Art. 20-21). */
	public record PropertyRates(String id, Rate closure, Rate satisfaction) {
	}

	/** A person's penalties in the period: raw, capped by the bonus, and the bonus (null: none defined). */
	public record PersonTotal(String person, long rawFen, long cappedFen, Long bonusFen) {
	}

	/** The events (their seq) a penalty of a person rests on. */
	public record Evidence(String rule, @com.google.gson.annotations.SerializedName("case") String caseId,
		String person, List<Long> events) {
	}

	static Assessment parse(String text) {
		JsonObject raw = Docs.object(text);
		JsonObject a = raw.getAsJsonObject("assessment");
		JsonObject period = a.getAsJsonObject("period");
		return new Assessment(Docs.string(a, "policy"), Docs.string(a, "month"), Docs.time(a, "as_of"),
			Docs.time(period, "from"), Docs.time(period, "to"), Docs.list(raw, "penalties", Penalty.class),
			Docs.list(a, "breaches", Deadline.class), Docs.list(a, "open_deadlines", Deadline.class),
			Docs.list(a, "properties", PropertyRates.class), Docs.list(a, "people", PersonTotal.class),
			Docs.list(a, "evidence", Evidence.class), text);
	}

	/** The sum of the penalties' amounts, in fen. */
	public long totalFen() {
		return penalties.stream().mapToLong(Penalty::amountFen).sum();
	}
}
