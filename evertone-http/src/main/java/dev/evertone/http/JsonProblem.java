package dev.evertone.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What is wrong with a JSON body, in the API's words rather than Jackson's: the field, what it
 * accepts, the fields an object takes; never a Java class name, never more of the body than a short
 * excerpt.
 *
 * @param field the field's path ({@code trunks[2].port}), or null for the body as a whole
 * @param message what is wrong and what is accepted
 */
record JsonProblem(@Nullable String field, String message) {

  static JsonProblem of(JsonProcessingException e) {
    String where = where(e);
    if (e instanceof UnrecognizedPropertyException u) {
      String known =
          u.getKnownPropertyIds() == null
              ? ""
              : "; the fields it takes: "
                  + u.getKnownPropertyIds().stream()
                      .map(Object::toString)
                      .sorted()
                      .collect(Collectors.joining(", "));
      return new JsonProblem(
          path(u), "unknown field '" + ApiError.excerpt(u.getPropertyName()) + "'" + known);
    }
    if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
      return new JsonProblem(path(m), "must be " + expected(m.getTargetType()) + where);
    }
    if (e instanceof JsonParseException) {
      return new JsonProblem(null, "the body is not valid JSON" + where);
    }
    return new JsonProblem(null, "the body is not a JSON object of this endpoint's shape" + where);
  }

  /** The JSON path of the field at fault: names and [indexes]. */
  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    List<JsonMappingException.Reference> refs = e.getPath();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return ApiError.excerpt(sb.toString());
  }

  /** What a Java type is called in JSON. */
  private static String expected(@Nullable Class<?> type) {
    if (type == null) {
      return "a value of another kind";
    }
    if (type == int.class
        || type == Integer.class
        || type == long.class
        || type == Long.class
        || type == short.class
        || type == Short.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class || type == float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "text";
    }
    if (type.isEnum()) {
      return "one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == java.time.Instant.class) {
      return "a time in ISO 8601 (2026-01-31T12:00:00Z)";
    }
    if (type == java.time.Duration.class) {
      return "a duration in ISO 8601 (PT30S)";
    }
    return "an object";
  }

  private static String where(JsonProcessingException e) {
    var at = e.getLocation();
    return at == null || at.getLineNr() < 0
        ? ""
        : " (line " + at.getLineNr() + ", column " + Objects.requireNonNull(at).getColumnNr() + ")";
  }
}
