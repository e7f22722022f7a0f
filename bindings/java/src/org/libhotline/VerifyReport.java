package org.libhotline;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.annotations.SerializedName;
import java.util.List;

/**
 * Everything {@link Database#verifyLog} checks, with every problem found
 * (integrity.md, verify-report.schema.json): {@code ok} is false when anything
 * was found; {@code findings} lists at most the maximum asked for of the
 * {@code findingsTotal}. {@code scope} is "log" or "case"; {@code protection}
 * "checked", "not_available" or "not_checked"; {@code checkpoint} null when
 * none was given. {@code json} is the library's document.
 */
public record VerifyReport(boolean ok, String scope, String caseId, long events, long streams, long cases,
	long directoryRecords, String protection, CheckpointCheck checkpoint, List<Finding> findings,
	long findingsTotal, boolean truncated, String json) {

	/** One problem found; {@code code} is one of integrity.md's finding codes. */
	public record Finding(String code, String message, @SerializedName("case") String caseId, boolean organisation,
		DirectoryRecord directory, Long seq, Long version, List<Difference> differences) {
		public Finding {
			differences = differences == null ? List.of() : List.copyOf(differences);
		}
	}

	/** A directory record a finding is about: its kind and key. */
	public record DirectoryRecord(String kind, String key) {
	}

	/** A field of a stored snapshot or record that differs from the one rebuilt from the events. */
	public record Difference(String field, JsonElement stored, JsonElement rebuilt) {
	}

	/** What the verification found of the checkpoint it was given; {@code signature}: "valid" or "not_checked". */
	public record CheckpointCheck(long seq, long count, boolean signed, String signature, boolean ok) {
	}

	static VerifyReport parse(String text) {
		JsonObject raw = Docs.object(text);
		return new VerifyReport(Docs.flag(raw, "ok"), Docs.string(raw, "scope"), Docs.string(raw, "case"),
			Docs.number(raw, "events"), Docs.number(raw, "streams"), Docs.number(raw, "cases"),
			Docs.number(raw, "directory_records"), Docs.string(raw, "protection"),
			Docs.as(raw.get("checkpoint"), CheckpointCheck.class), Docs.list(raw, "findings", Finding.class),
			Docs.number(raw, "findings_total"), Docs.flag(raw, "truncated"), text);
	}
}
