package dev.evertone.store.provisioning;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every write of provisioning data, whatever its size: one device added from the command line or a
 * 100,000-row import. The store applies a change set in one transaction, writes a credential
 * history row for every line whose credential it creates, changes or deletes, one audit event per
 * entry of {@link #audit()}, and the change log entries that tell caches on every node what to
 * reload.
 *
 * <p>Updates and deletions name the id and the revision they were planned against; if any row
 * changed in between (another writer), nothing is written and {@link ConflictException} says so.
 * Entities created by the same change set are referred to by a negative reference ({@link
 * CreateUser#ref()}, {@link CreateDevice#ref()}); existing ones by their id.
 *
 * @param addDomains domains to create first
 * @param removeDomains domains to remove last (their users, devices and lines must be deleted by
 *     this change set or already gone)
 * @param batchId the import or restore batch, recorded with the history rows and audit events
 */
public record ChangeSet(
    List<String> addDomains,
    List<UserOp> users,
    List<DeviceOp> devices,
    List<LineOp> lines,
    List<String> removeDomains,
    List<AuditEntry> audit,
    @Nullable String batchId) {

  public ChangeSet {
    addDomains = List.copyOf(addDomains);
    users = List.copyOf(users);
    devices = List.copyOf(devices);
    lines = List.copyOf(lines);
    removeDomains = List.copyOf(removeDomains);
    audit = List.copyOf(audit);
  }

  public boolean isEmpty() {
    return addDomains.isEmpty()
        && users.isEmpty()
        && devices.isEmpty()
        && lines.isEmpty()
        && removeDomains.isEmpty();
  }

  /** A user change. */
  public sealed interface UserOp permits CreateUser, UpdateUser, DeleteUser {}

  /**
   * Creates a user.
   *
   * @param ref a negative number by which devices of this change set refer to the new user
   */
  public record CreateUser(long ref, String domain, String extension, @Nullable String displayName)
      implements UserOp {}

  public record UpdateUser(long id, long revision, @Nullable String displayName)
      implements UserOp {}

  public record DeleteUser(long id, long revision) implements UserOp {}

  /** A device change. */
  public sealed interface DeviceOp permits CreateDevice, UpdateDevice, DeleteDevice {}

  /**
   * Creates a device.
   *
   * @param ref a negative number by which lines of this change set refer to the new device
   * @param userRef the owner: a user id, a {@link CreateUser#ref()}, or null
   */
  public record CreateDevice(
      long ref,
      String domain,
      @Nullable String mac,
      @Nullable String model,
      @Nullable String description,
      @Nullable Long userRef)
      implements DeviceOp {}

  /** Sets every attribute of an existing device to the given values. */
  public record UpdateDevice(
      long id,
      long revision,
      @Nullable String mac,
      @Nullable String model,
      @Nullable String description,
      @Nullable Long userRef)
      implements DeviceOp {}

  public record DeleteDevice(long id, long revision) implements DeviceOp {}

  /** A line change. */
  public sealed interface LineOp permits CreateLine, UpdateLine, DeleteLine {}

  /**
   * Creates a line on a device, with a new secret or (a restore) a version it had before.
   *
   * @param deviceRef a device id or a {@link CreateDevice#ref()}
   * @param change the history entry it writes: {@link HistoryEntry#CREATED} or {@link
   *     HistoryEntry#RESTORED}
   */
  public record CreateLine(
      long deviceRef, int lineNo, String domain, String authUser, Secret secret, String change)
      implements LineOp {}

  /**
   * Moves a line to {@code deviceRef}/{@code lineNo} (which may be where it is) and, if {@code
   * secret} is not null, replaces its secret.
   *
   * @param change the history entry a new secret writes: {@link HistoryEntry#CHANGED} or {@link
   *     HistoryEntry#RESTORED}
   */
  public record UpdateLine(
      long id,
      long revision,
      LineKey key,
      long deviceRef,
      int lineNo,
      @Nullable Secret secret,
      String change)
      implements LineOp {}

  public record DeleteLine(long id, long revision, LineKey key) implements LineOp {}

  /**
   * A secret to store: a new one, or a credential version that exists (restores point to it again).
   */
  public sealed interface Secret permits Plain, FromVersion {}

  public record Plain(String value) implements Secret {
    @Override
    public String toString() {
      return "Plain[(hidden)]";
    }
  }

  public record FromVersion(long versionId) implements Secret {}

  /** An audit event to record with the change. */
  public record AuditEntry(String action, @Nullable String target, @Nullable String detail) {}

  public static Builder builder() {
    return new Builder();
  }

  /** Collects operations; {@link #nextRef()} hands out references for entities it creates. */
  public static final class Builder {
    private final List<String> addDomains = new ArrayList<>();
    private final List<UserOp> users = new ArrayList<>();
    private final List<DeviceOp> devices = new ArrayList<>();
    private final List<LineOp> lines = new ArrayList<>();
    private final List<String> removeDomains = new ArrayList<>();
    private final List<AuditEntry> audit = new ArrayList<>();
    private @Nullable String batchId;
    private long ref;

    public long nextRef() {
      return --ref;
    }

    public Builder addDomain(String domain) {
      addDomains.add(domain);
      return this;
    }

    public Builder removeDomain(String domain) {
      removeDomains.add(domain);
      return this;
    }

    public Builder user(UserOp op) {
      users.add(op);
      return this;
    }

    public Builder device(DeviceOp op) {
      devices.add(op);
      return this;
    }

    public Builder line(LineOp op) {
      lines.add(op);
      return this;
    }

    public Builder audit(String action, @Nullable String target, @Nullable String detail) {
      audit.add(new AuditEntry(action, target, detail));
      return this;
    }

    public Builder batch(@Nullable String id) {
      this.batchId = id;
      return this;
    }

    public ChangeSet build() {
      return new ChangeSet(addDomains, users, devices, lines, removeDomains, audit, batchId);
    }
  }
}
