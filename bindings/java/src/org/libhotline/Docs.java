package org.libhotline;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/* The library's documents into records: Gson, keys in snake_case, instants as OffsetDateTime. */
final class Docs {
	private Docs() {
	}

	static final Gson GSON = new GsonBuilder()
		.setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
		.registerTypeAdapter(OffsetDateTime.class, new TypeAdapter<OffsetDateTime>() {
			@Override
			public void write(JsonWriter out, OffsetDateTime t) throws IOException {
				if (t == null)
					out.nullValue();
				else
					out.value(t.toString());
			}

			@Override
			public OffsetDateTime read(JsonReader in) throws IOException {
				if (in.peek() == JsonToken.NULL) {
					in.nextNull();
					return null;
				}
				return OffsetDateTime.parse(in.nextString());
			}
		})
		.disableHtmlEscaping()
		.create();

	static JsonObject object(String text) {
		return JsonParser.parseString(text).getAsJsonObject();
	}

	static <T> T as(JsonElement e, Class<T> type) {
		return e == null || e.isJsonNull() ? null : GSON.fromJson(e, type);
	}

	/* The member `name` of `o` (an array of objects, absent: empty) as records. */
	static <T> List<T> list(JsonObject o, String name, Class<T> type) {
		List<T> out = new ArrayList<>();
		JsonElement e = o.get(name);
		if (e != null && e.isJsonArray())
			for (JsonElement x : (JsonArray) e)
				out.add(GSON.fromJson(x, type));
		return List.copyOf(out);
	}

	static String string(JsonObject o, String name) {
		JsonElement e = o.get(name);
		return e == null || e.isJsonNull() ? null : e.getAsString();
	}

	static OffsetDateTime time(JsonObject o, String name) {
		String s = string(o, name);
		return s == null ? null : OffsetDateTime.parse(s);
	}

	static long number(JsonObject o, String name) {
		JsonElement e = o.get(name);
		return e == null || e.isJsonNull() ? 0 : e.getAsLong();
	}

	static boolean flag(JsonObject o, String name) {
		JsonElement e = o.get(name);
		return e != null && !e.isJsonNull() && e.getAsBoolean();
	}

	/* JSON text of a string (quotes and escapes). */
	static String quote(String s) {
		return GSON.toJson(s);
	}
}
