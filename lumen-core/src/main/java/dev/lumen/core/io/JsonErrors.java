package dev.lumen.core.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayList;
import java.util.List;

/** Jackson's errors in a user's words: where in the file, and which field, without Jackson's internals. */
public final class JsonErrors {
  private JsonErrors() {}

  /** {@code line L, column C} of the error, or {@code an unknown place}. */
  public static String where(JacksonException e) {
    JsonLocation at = e.getLocation();
    return at == null ? "an unknown place" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /** The dotted path of the field a mapping error is about, e.g. {@code input.width} or {@code labels[2]}. */
  public static String field(JsonMappingException e) {
    List<String> parts = new ArrayList<>();
    for (JsonMappingException.Reference r : e.getPath()) {
      parts.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
    }
    return String.join(".", parts).replace(".[", "[");
  }
}
