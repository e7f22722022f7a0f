package org.libhotline;

import com.google.gson.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Each deadline and penalty of a case with the rule it comes from
 * (documents.md, "The explanation"); {@code json} is the library's document.
 */
public record Explanation(String caseId, String policy, OffsetDateTime asOf, boolean exempt,
	OffsetDateTime exemptFrom, OffsetDateTime nextDue, long totalFen, List<Deadline> deadlines,
	List<Penalty> penalties, String json) {

	static Explanation parse(String text) {
		JsonObject raw = Docs.object(text);
		String c = Docs.string(raw, "case");
		List<Deadline> d = Docs.list(raw, "deadlines", Deadline.class).stream()
			.map(x -> new Deadline(x.rule(), x.article(), c, x.state(), x.startedAt(), x.due(), x.lateSeconds(),
				x.metAt(), x.stoppedAt(), x.overdue(), x.title(), x.clock(), x.provisional()))
			.collect(Collectors.toUnmodifiableList());
		List<Penalty> p = Docs.list(raw, "penalties", Penalty.class).stream()
			.map(x -> x.caseId() != null ? x : new Penalty(x.rule(), x.article(), c, x.person(), x.amountFen(),
				x.incurredAt(), x.title(), x.property(), x.increments(), x.evidence(), x.provisional()))
			.collect(Collectors.toUnmodifiableList());
		return new Explanation(c, Docs.string(raw, "policy"), Docs.time(raw, "as_of"), Docs.flag(raw, "exempt"),
			Docs.time(raw, "exempt_from"), Docs.time(raw, "next_due"), Docs.number(raw, "total_fen"), d, p, text);
	}
}
