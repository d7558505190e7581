package dev.evertone.provisioning;

import static dev.evertone.provisioning.ImportPlanner.sized;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.LineKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The rows of an import checked against each other, before anything stored is read: a line or user
 * named twice, a user deleted by one row and used by another, a device described differently by two
 * rows.
 */
final class RowConflicts {
  private RowConflicts() {}

  /** Adds an error to {@code errors} for each row in conflict with an earlier one. */
  static void check(List<ImportRow> rows, List<RowError> errors) {
    Map<LineKey, ImportRow> lines = sized(rows.size());
    Map<UserKey, ImportRow> users = new HashMap<>();
    Map<UserKey, ImportRow> displayNames = sized(rows.size());
    Map<String, ImportRow> macs = sized(rows.size());
    for (ImportRow r : rows) {
      if (r.isLine()) {
        ImportRow first = lines.putIfAbsent(r.key(), r);
        if (first != null) {
          errors.add(
              r.error(
                  Column.AUTH_USER,
                  r.key() + " is also in " + first.where() + "; name each line once"));
        }
      } else {
        ImportRow first = users.putIfAbsent(r.userKey(), r);
        if (first != null) {
          errors.add(
              r.error(
                  Column.EXTENSION,
                  r.extension()
                      + "@"
                      + r.domain()
                      + " is also in "
                      + first.where()
                      + "; name each user once"));
        }
      }
      if (r.delete()) {
        continue;
      }
      String displayName = r.displayName();
      if (r.extension() != null && displayName != null) {
        ImportRow first = displayNames.putIfAbsent(r.userKey(), r);
        if (first != null && !displayName.equals(first.displayName())) {
          errors.add(
              r.error(
                  Column.DISPLAY_NAME,
                  "'"
                      + displayName
                      + "' differs from '"
                      + first.displayName()
                      + "' in "
                      + first.where()
                      + " for the same user "
                      + r.extension()));
        }
      }
      if (r.mac() != null) {
        ImportRow first = macs.putIfAbsent(r.mac(), r);
        if (first != null) {
          String mac = Values.formatMac(r.mac());
          if (!first.domain().equals(r.domain())) {
            errors.add(
                r.error(
                    Column.MAC,
                    "device "
                        + mac
                        + " is in "
                        + first.domain()
                        + " in "
                        + first.where()
                        + "; a device has one domain"));
          }
          differs(r, first, Column.MODEL, r.model(), first.model(), mac, errors);
          differs(r, first, Column.DESCRIPTION, r.description(), first.description(), mac, errors);
          differs(r, first, Column.EXTENSION, r.extension(), first.extension(), mac, errors);
        }
      }
    }
    usedButDeleted(rows, users, errors);
  }

  /** A user one row deletes cannot own another row's device. */
  private static void usedButDeleted(
      List<ImportRow> rows, Map<UserKey, ImportRow> users, List<RowError> errors) {
    for (ImportRow r : rows) {
      if (!r.delete() && r.extension() != null) {
        ImportRow userRow = users.get(r.userKey());
        if (userRow != null && userRow.delete()) {
          errors.add(
              r.error(
                  Column.EXTENSION, "user " + r.extension() + " is deleted in " + userRow.where()));
        }
      }
    }
  }

  private static void differs(
      ImportRow r,
      ImportRow first,
      Column column,
      @Nullable String value,
      @Nullable String firstValue,
      String mac,
      List<RowError> errors) {
    if (value != null && firstValue != null && !value.equals(firstValue)) {
      errors.add(
          r.error(
              column,
              "'"
                  + value
                  + "' differs from '"
                  + firstValue
                  + "' given for device "
                  + mac
                  + " in "
                  + first.where()));
    }
  }
}
