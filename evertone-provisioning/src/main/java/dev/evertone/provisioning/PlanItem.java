package dev.evertone.provisioning;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a plan does to one line or user.
 *
 * @param row the file's data row, or 0 (restores, and devices a plan removes because no line is
 *     left)
 * @param action create, update, unchanged, delete; for restores also restore, recreate, keep, skip
 * @param entity line, user or device
 * @param key {@code authUser@domain}, {@code extension@domain} or the device
 * @param note why, where it is not obvious (e.g. why a restore skips a line)
 */
public record PlanItem(
    int row,
    String action,
    String entity,
    String key,
    List<FieldChange> changes,
    @Nullable String note) {
  public PlanItem {
    changes = List.copyOf(changes);
  }

  public static final String CREATE = "create";
  public static final String UPDATE = "update";
  public static final String UNCHANGED = "unchanged";
  public static final String DELETE = "delete";
  public static final String RESTORE = "restore";
  public static final String RECREATE = "recreate";
  public static final String KEEP = "keep";
  public static final String SKIP = "skip";
}
