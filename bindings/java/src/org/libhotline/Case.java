package org.libhotline;

import com.google.gson.JsonObject;
import java.time.OffsetDateTime;

/**
 * A case's snapshot (documents.md, "The case snapshot"): state, approval,
 * exemption, version and the ledger (Art. 12). Personal fields (room, owner,
 * phone) read masked without the key and "[erased]" after forget.
 * {@code provisional}: next_due counted a day of a year the database has no
 * holiday data for. {@code json} is the library's document.
 */
public record Case(String id, String property, State state, Approval approval, boolean exempt,
	OffsetDateTime exemptFrom, long version, OffsetDateTime registeredAt, OffsetDateTime dispatchedAt,
	OffsetDateTime nextDue, boolean provisional, String room, String owner, String phone, String matter,
	String callTaker, String orderTaker, String kind, String severity, String json) {

	static Case parse(String text) {
		return parse(Docs.object(text), text);
	}

	static Case parse(JsonObject o, String text) {
		JsonObject l = o.has("ledger") ? o.getAsJsonObject("ledger") : new JsonObject();
		return new Case(Docs.string(o, "id"), Docs.string(o, "property"), State.of(Docs.string(o, "state")),
			Approval.of(Docs.string(o, "approval")), Docs.flag(o, "exempt"), Docs.time(o, "exempt_from"),
			Docs.number(o, "version"), Docs.time(o, "registered_at"), Docs.time(o, "dispatched_at"),
			Docs.time(o, "next_due"), Docs.flag(o, "provisional"), Docs.string(l, "room"), Docs.string(l, "owner"),
			Docs.string(l, "phone"), Docs.string(l, "matter"), Docs.string(l, "call_taker"),
			Docs.string(l, "order_taker"), Docs.string(l, "kind"), Docs.string(l, "severity"), text);
	}
}
