package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Format;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.PhoneNumber;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every provisioning operation, as the admin API offers it and the command line uses it: on the
 * local store ({@link ProvisioningService}) or on a running server over HTTP. Failures are {@link
 * dev.evertone.store.ValidationException} (a bad value, with its field), {@link
 * dev.evertone.store.NotFoundException}, {@link dev.evertone.store.ConflictException}, {@link
 * dev.evertone.provisioning.template.TemplateException} (a file's errors, by line and column) and
 * {@link LargeChangeException} (the blast-radius guard).
 */
public interface Provisioning {

  List<DomainInfo> domains();

  DomainInfo addDomain(String name);

  /**
   * Removes a domain; one that still has users or devices only if {@code withDevices}, and then
   * with all of them (their lines' credentials stay in the history). Returns how many devices went
   * with it.
   */
  int removeDomain(String name, boolean withDevices);

  List<UserInfo> users(String domain);

  UserInfo addUser(String domain, String extension, @Nullable String displayName);

  /** Sets a user's display name (null or empty: none). */
  UserInfo updateUser(String domain, String extension, @Nullable String displayName);

  /** Removes a user who owns no device. */
  void removeUser(String domain, String extension);

  /**
   * The devices of a domain, optionally only the one with {@code mac} or the one holding line
   * {@code authUser}.
   */
  List<DeviceInfo> devices(String domain, @Nullable String mac, @Nullable String authUser);

  DeviceInfo device(String domain, long id);

  /** Adds a device with its lines; secrets not given are generated and returned this once. */
  DeviceCreated addDevice(NewDevice device);

  DeviceInfo updateDevice(String domain, long id, DeviceUpdate update);

  /** Removes a device and its lines. */
  void removeDevice(String domain, long id);

  /** Adds a line to a device; its secret is generated if not given. */
  DeviceCreated addLine(String domain, long deviceId, NewLine line);

  /** Removes a line; a device's only line cannot be removed (remove the device). */
  void removeLine(String domain, String authUser);

  /** Replaces a line's secret with {@code secret}, or with a generated one if null. */
  SecretChanged setSecret(String domain, String authUser, @Nullable String secret);

  /** Every version of a line's credential, oldest first. */
  List<CredentialVersion> history(String domain, String authUser);

  /**
   * Imports a template file: validate, plan, guard, and (unless a dry run) apply in one
   * transaction.
   */
  PlanResult importFile(byte[] content, ImportOptions options);

  /**
   * Writes every line (of {@code domain}, or of every domain) and user in the template format,
   * secrets included.
   */
  void export(Format format, @Nullable String domain, OutputStream out);

  /**
   * Restores credentials to a moment or to before a batch: plan, guard, and (unless a dry run)
   * apply.
   */
  PlanResult restore(RestoreRequest request);

  /** The audit log, newest first. */
  List<AuditEvent> audit(@Nullable String batch, @Nullable Instant since, int limit);

  /** The trunks of a domain, in the order calls try them. */
  List<TrunkInfo> trunks(String domain);

  /** Adds or replaces trunk {@code name} of a domain. */
  TrunkInfo putTrunk(String domain, String name, TrunkSpec spec);

  void removeTrunk(String domain, String name);

  /** The numbers (DIDs) of a domain. */
  List<PhoneNumber> numbers(String domain);

  /**
   * Adds number {@code number} (E.164) to a domain, ringing {@code extension}; or points it there.
   */
  PhoneNumber putNumber(String domain, String number, String extension);

  void removeNumber(String domain, String number);

  /** The forwarding rules of an extension, or of every extension of the domain when null. */
  List<ForwardInfo> forwarding(String domain, @Nullable String extension);

  /** Sets the rule of {@code kind} (always, unregistered, busy, no-answer) of an extension. */
  ForwardInfo setForwarding(
      String domain, String extension, String kind, String target, @Nullable Integer afterSeconds);

  void removeForwarding(String domain, String extension, String kind);

  /** How a domain's dialled numbers become E.164. */
  DialPlan dialPlan(String domain);

  DialPlan setDialPlan(
      String domain, String countryCode, String nationalPrefix, String internationalPrefix);
}
