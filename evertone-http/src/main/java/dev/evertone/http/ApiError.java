package dev.evertone.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evertone.provisioning.LargeChangeException;
import dev.evertone.provisioning.PlanResult;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.provisioning.template.TemplateException;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of every error the admin API answers, and the one place that maps failures to statuses:
 * 400 invalid input (with the field, or a file's errors by line and column), 401 no valid token,
 * 404, 409 a conflict with what is stored or a large change that needs confirming (with its plan),
 * 413 too large.
 *
 * @param error a stable code: invalid, invalid_file, unauthorized, not_found, conflict,
 *     confirmation_required, too_large, method_not_allowed, internal
 */
public record ApiError(
    int status,
    String error,
    String message,
    @Nullable String field,
    @Nullable List<RowError> errors,
    @Nullable Integer total,
    @Nullable PlanResult plan) {

  /**
   * The longest message an error carries: what a failure says may quote its input, and an answer
   * must not echo a 10 MB body back.
   */
  static final int MAX_MESSAGE_CHARS = 2000;

  public ApiError {
    message = excerpt(message, MAX_MESSAGE_CHARS);
  }

  /** What a failure says of itself; every failure this API maps is made with a message. */
  static String messageOf(Throwable e) {
    String m = e.getMessage();
    return m == null ? "no details were given" : m;
  }

  /** A quoted piece of input, cut short: a name or a value, never a whole body. */
  static String excerpt(String s) {
    return excerpt(s, 100);
  }

  private static String excerpt(String s, int max) {
    return s.length() <= max
        ? s
        : s.substring(0, max) + "... (" + (s.length() - max) + " more characters)";
  }

  static ApiError of(int status, String error, String message) {
    return new ApiError(status, error, message, null, null, null, null);
  }

  /**
   * The error for a failure of a request, or null if it is not the request's fault (a bug: 500).
   */
  static @Nullable ApiError of(Exception e) {
    if (e instanceof ValidationException v) {
      return new ApiError(400, "invalid", messageOf(v), v.field(), null, null, null);
    }
    if (e instanceof TemplateException t) {
      return new ApiError(400, "invalid_file", messageOf(t), null, t.errors(), t.total(), null);
    }
    if (e instanceof LargeChangeException l) {
      return new ApiError(409, "confirmation_required", messageOf(l), null, null, null, l.plan());
    }
    if (e instanceof NotFoundException) {
      return of(404, "not_found", messageOf(e));
    }
    if (e instanceof ConflictException) {
      return of(409, "conflict", messageOf(e));
    }
    if (e instanceof AdminApi.BadJson b && b.getCause() instanceof JsonProcessingException j) {
      JsonProblem p = JsonProblem.of(j);
      return new ApiError(400, "invalid", p.message(), p.field(), null, null, null);
    }
    if (e instanceof IllegalArgumentException) {
      return of(400, "invalid", messageOf(e));
    }
    return null;
  }

  /** The exception this error stands for, so that a remote caller fails as a local one would. */
  public RuntimeException toException() {
    return switch (error) {
      case "invalid" ->
          field != null
              ? new ValidationException(field, stripField(message))
              : new IllegalArgumentException(message);
      case "invalid_file" ->
          new TemplateException(errors == null ? List.of() : errors, total == null ? 0 : total);
      case "confirmation_required" ->
          plan != null ? new LargeChangeException(plan) : new ConflictException(message);
      case "not_found" -> new NotFoundException(message);
      case "conflict" -> new ConflictException(message);
      default ->
          new IllegalStateException("the server answered " + status + " " + error + ": " + message);
    };
  }

  private String stripField(String m) {
    String prefix = field + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }
}
