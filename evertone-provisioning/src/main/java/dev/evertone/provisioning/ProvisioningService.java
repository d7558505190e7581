package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Format;
import dev.evertone.store.Actor;
import dev.evertone.store.Store;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.PhoneNumber;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The provisioning operations on the local store, on behalf of one actor (an admin token, a local
 * command): {@link Provisioning}, which a running server's admin API answers too. Each operation is
 * its aggregate's service's: {@link DomainService}, {@link UserService}, {@link DeviceService},
 * {@link LineService}, {@link CredentialService}, {@link ImportService}, {@link ExportService},
 * {@link RestoreService}, {@link AuditService}, {@link RoutingService} and {@link
 * ForwardingService}. Every change goes through one {@link ChangeSet} with its audit event, applied
 * on behalf of the actor by their shared {@link ProvisioningContext}; bulk changes through the
 * planners.
 */
public final class ProvisioningService implements Provisioning {
  private final ProvisioningContext context;
  private final DomainService domains;
  private final UserService users;
  private final DeviceService devices;
  private final LineService lines;
  private final CredentialService credentials;
  private final ImportService imports;
  private final ExportService exports;
  private final RestoreService restores;
  private final AuditService audit;
  private final RoutingService routing;
  private final ForwardingService forwarding;

  public ProvisioningService(Store store, ProvisioningConfig config, Clock clock, Actor actor) {
    this(new ProvisioningContext(store, config, clock, actor, Progress.NONE));
  }

  private ProvisioningService(ProvisioningContext context) {
    this.context = context;
    this.domains = new DomainService(context);
    this.users = new UserService(context);
    this.devices = new DeviceService(context);
    this.lines = new LineService(context, devices);
    this.credentials = new CredentialService(context);
    this.imports = new ImportService(context);
    this.exports = new ExportService(context);
    this.restores = new RestoreService(context);
    this.audit = new AuditService(context);
    this.routing = new RoutingService(context);
    this.forwarding = new ForwardingService(context);
  }

  /** The same operations on behalf of another actor. */
  public ProvisioningService as(Actor other) {
    return new ProvisioningService(context.as(other));
  }

  /** The same operations, reporting the steps of long ones to {@code listener}. */
  public ProvisioningService withProgress(Progress listener) {
    return new ProvisioningService(context.withProgress(listener));
  }

  // --- domains ---

  @Override
  public List<DomainInfo> domains() {
    return domains.list();
  }

  @Override
  public DomainInfo addDomain(String name) {
    return domains.add(name);
  }

  @Override
  public int removeDomain(String name, boolean withDevices) {
    return domains.remove(name, withDevices);
  }

  // --- users ---

  @Override
  public List<UserInfo> users(String domain) {
    return users.list(domain);
  }

  @Override
  public UserInfo addUser(String domain, String extension, @Nullable String displayName) {
    return users.add(domain, extension, displayName);
  }

  @Override
  public UserInfo updateUser(String domain, String extension, @Nullable String displayName) {
    return users.update(domain, extension, displayName);
  }

  @Override
  public void removeUser(String domain, String extension) {
    users.remove(domain, extension);
  }

  // --- devices and their lines ---

  @Override
  public List<DeviceInfo> devices(String domain, @Nullable String mac, @Nullable String authUser) {
    return devices.list(domain, mac, authUser);
  }

  @Override
  public DeviceInfo device(String domain, long id) {
    return devices.get(domain, id);
  }

  @Override
  public DeviceCreated addDevice(NewDevice device) {
    return devices.add(device);
  }

  @Override
  public DeviceInfo updateDevice(String domain, long id, DeviceUpdate update) {
    return devices.update(domain, id, update);
  }

  @Override
  public void removeDevice(String domain, long id) {
    devices.remove(domain, id);
  }

  @Override
  public DeviceCreated addLine(String domain, long deviceId, NewLine line) {
    return lines.add(domain, deviceId, line);
  }

  @Override
  public void removeLine(String domain, String authUser) {
    lines.remove(domain, authUser);
  }

  // --- credentials ---

  @Override
  public SecretChanged setSecret(String domain, String authUser, @Nullable String secret) {
    return credentials.setSecret(domain, authUser, secret);
  }

  @Override
  public List<CredentialVersion> history(String domain, String authUser) {
    return credentials.history(domain, authUser);
  }

  @Override
  public PlanResult restore(RestoreRequest request) {
    return restores.restore(request);
  }

  // --- bulk ---

  @Override
  public PlanResult importFile(byte[] content, ImportOptions options) {
    return imports.importFile(content, options);
  }

  @Override
  public void export(Format format, @Nullable String domain, OutputStream out) {
    exports.export(format, domain, out);
  }

  @Override
  public List<AuditEvent> audit(@Nullable String batch, @Nullable Instant since, int limit) {
    return audit.list(batch, since, limit);
  }

  // --- routing ---

  @Override
  public List<TrunkInfo> trunks(String domain) {
    return routing.trunks(domain);
  }

  @Override
  public TrunkInfo putTrunk(String domain, String name, TrunkSpec spec) {
    return routing.putTrunk(domain, name, spec);
  }

  @Override
  public void removeTrunk(String domain, String name) {
    routing.removeTrunk(domain, name);
  }

  @Override
  public List<PhoneNumber> numbers(String domain) {
    return routing.numbers(domain);
  }

  @Override
  public PhoneNumber putNumber(String domain, String number, String extension) {
    return routing.putNumber(domain, number, extension);
  }

  @Override
  public void removeNumber(String domain, String number) {
    routing.removeNumber(domain, number);
  }

  @Override
  public DialPlan dialPlan(String domain) {
    return routing.dialPlan(domain);
  }

  @Override
  public DialPlan setDialPlan(
      String domain, String countryCode, String nationalPrefix, String internationalPrefix) {
    return routing.setDialPlan(domain, countryCode, nationalPrefix, internationalPrefix);
  }

  // --- forwarding ---

  @Override
  public List<ForwardInfo> forwarding(String domain, @Nullable String extension) {
    return forwarding.rules(domain, extension);
  }

  @Override
  public ForwardInfo setForwarding(
      String domain, String extension, String kind, String target, @Nullable Integer afterSeconds) {
    return forwarding.set(domain, extension, kind, target, afterSeconds);
  }

  @Override
  public void removeForwarding(String domain, String extension, String kind) {
    forwarding.remove(domain, extension, kind);
  }
}
