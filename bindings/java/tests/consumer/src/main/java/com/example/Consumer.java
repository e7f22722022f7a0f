package com.example;

import com.google.gson.JsonObject;
import java.time.Instant;
import org.libhotline.Case;
import org.libhotline.Database;
import org.libhotline.Hotline;

/* A program outside the project that uses the installed binding (jar and POM). */
public class Consumer {
	public static void main(String[] args) {
		try (Database db = Hotline.open("memory:")) {
			db.exec("{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}");
			db.exec("{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}");
			db.exec("{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\"}");
			JsonObject reg = new JsonObject();   // Gson comes with the binding (the POM's dependency)
			reg.addProperty("cmd", "register");
			reg.addProperty("case", "C1");
			reg.addProperty("at", "2026-11-02T09:05:00+08:00");
			reg.addProperty("actor", "zhang");
			reg.addProperty("property", "P1");
			reg.addProperty("room", "3-201");
			reg.addProperty("owner", "王女士");
			reg.addProperty("phone", "13800000000");
			reg.addProperty("matter", "楼道灯不亮😀");
			reg.addProperty("call_taker", "zhang");
			reg.addProperty("order_taker", "li");
			db.exec(reg);
			Case c = db.caseSnapshot("C1");
			long fen = db.assess(Instant.parse("2026-11-26T16:00:00Z")).totalFen();
			// ASCII only: the output is compared whatever the locale's encoding
			System.out.println("consumer: " + Hotline.version() + " " + c.id() + " " + c.state().wireName() + " "
				+ (c.matter().equals("楼道灯不亮😀") ? "text-ok" : "text-differs") + " " + (fen > 0 ? "charged" : "free"));
		}
	}
}
