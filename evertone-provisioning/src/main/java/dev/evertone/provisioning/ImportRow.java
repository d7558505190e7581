package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.provisioning.template.TemplateRow;
import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.LineKey;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A template row whose every value passed {@link Values}: either a line of a device ({@code
 * authUser} set) or a user ({@code extension} set, no {@code authUser}).
 */
record ImportRow(
    int row,
    int line,
    boolean delete,
    String domain,
    @Nullable String extension,
    @Nullable String displayName,
    @Nullable String mac,
    @Nullable String model,
    @Nullable String description,
    @Nullable Integer lineNo,
    @Nullable String authUser,
    @Nullable String secret) {

  boolean isLine() {
    return authUser != null;
  }

  /** The line of a line row ({@link #isLine()}). */
  LineKey key() {
    return new LineKey(
        domain, Objects.requireNonNull(authUser, "only a line row, which has an auth user"));
  }

  /**
   * The user a row names: a user row's (which always has an extension), or the owner a line row
   * gives its device (asked only if it names one).
   */
  UserKey userKey() {
    return new UserKey(
        domain, Objects.requireNonNull(extension, "only a row that names an extension"));
  }

  RowError error(@Nullable Column column, String reason) {
    return new RowError(line, row, column == null ? null : column.header(), reason);
  }

  /** Where this row is, for messages that point at another row: "row 5 (line 6)". */
  String where() {
    return "row " + row + " (line " + line + ")";
  }

  @Override
  public String toString() {
    return "ImportRow["
        + row
        + ", "
        + (authUser != null ? authUser : extension)
        + "@"
        + domain
        + ", secret=(hidden)]";
  }

  /**
   * Checks every value of {@code t}; adds what is wrong to {@code errors} and returns null if
   * anything is.
   */
  static @Nullable ImportRow of(TemplateRow t, List<RowError> errors) {
    int before = errors.size();
    boolean delete = delete(t, errors);
    String domain = value(t, Column.DOMAIN, errors);
    String authUser = value(t, Column.AUTH_USER, errors);
    String extension = value(t, Column.EXTENSION, errors);
    String displayName = value(t, Column.DISPLAY_NAME, errors);
    String mac = value(t, Column.MAC, errors);
    String model = value(t, Column.MODEL, errors);
    String description = value(t, Column.DESCRIPTION, errors);
    Integer lineNo = lineNo(t, errors);
    String secret = secret(t, errors);
    checkColumnsTogether(t, errors);
    // an empty or invalid domain has its error above: the second test only tells the checker
    if (errors.size() > before || domain == null) {
      return null;
    }
    return new ImportRow(
        t.row(),
        t.line(),
        delete,
        domain,
        extension,
        displayName,
        mac,
        model,
        description,
        lineNo,
        authUser,
        secret);
  }

  /** Whether the row's action is delete (else upsert, the default). */
  private static boolean delete(TemplateRow t, List<RowError> errors) {
    String action = t.get(Column.ACTION);
    if (action == null) {
      return false;
    }
    return switch (action.strip().toLowerCase(Locale.ROOT)) {
      case "upsert", "" -> false;
      case "delete" -> true;
      default -> {
        errors.add(
            t.error(
                Column.ACTION,
                "'" + action + "' is not an action; use upsert (or leave it empty) or delete"));
        yield false;
      }
    };
  }

  private static @Nullable Integer lineNo(TemplateRow t, List<RowError> errors) {
    String lineText = t.get(Column.LINE);
    if (lineText == null || lineText.isBlank()) {
      return null;
    }
    try {
      return Values.lineNo(Integer.parseInt(lineText.strip()));
    } catch (NumberFormatException e) {
      errors.add(
          t.error(
              Column.LINE,
              "'" + lineText + "' is not a line number; use 1 to " + Values.MAX_LINES));
    } catch (ValidationException e) {
      errors.add(t.error(Column.LINE, e.reason()));
    }
    return null;
  }

  private static @Nullable String secret(TemplateRow t, List<RowError> errors) {
    String secretText = t.get(Column.SECRET);
    if (secretText == null) {
      return null;
    }
    try {
      // as it is: spaces, quotes and line breaks are part of a secret
      return Values.secret(secretText);
    } catch (ValidationException e) {
      errors.add(t.error(Column.SECRET, e.reason()));
      return null;
    }
  }

  /** The columns a row must have, and those that only go with another. */
  private static void checkColumnsTogether(TemplateRow t, List<RowError> errors) {
    if (!present(t, Column.DOMAIN)) {
      errors.add(t.error(Column.DOMAIN, "missing; every row names its domain"));
    }
    if (!present(t, Column.AUTH_USER) && !present(t, Column.EXTENSION)) {
      errors.add(
          t.error(
              null,
              "the row names neither an auth_user (a device line) nor an extension (a user)"));
    }
    if (!present(t, Column.AUTH_USER)
        && (present(t, Column.MAC) || present(t, Column.SECRET) || present(t, Column.LINE))) {
      errors.add(
          t.error(
              Column.AUTH_USER,
              "missing; a row with a device (mac, line or secret) names the line's auth_user"));
    }
    if (present(t, Column.DISPLAY_NAME) && !present(t, Column.EXTENSION)) {
      errors.add(
          t.error(Column.DISPLAY_NAME, "a display name belongs to a user: give the extension too"));
    }
  }

  private static boolean present(TemplateRow t, Column column) {
    String raw = t.get(column);
    return raw != null && !raw.isBlank();
  }

  /**
   * The checked (and normalised) value of a column; null if empty or invalid (then with an error
   * added).
   */
  private static @Nullable String value(TemplateRow t, Column column, List<RowError> errors) {
    String raw = t.get(column);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return switch (column) {
        case DOMAIN -> Values.domain(raw);
        case AUTH_USER -> Values.authUser(raw.strip());
        case EXTENSION -> Values.extension(raw.strip());
        case DISPLAY_NAME -> Values.displayName(raw);
        case MAC -> Values.mac(raw);
        case MODEL -> Values.model(raw);
        case DESCRIPTION -> Values.description(raw);
        default -> throw new IllegalArgumentException(column.header());
      };
    } catch (ValidationException e) {
      errors.add(t.error(column, e.reason()));
      return null;
    }
  }
}
