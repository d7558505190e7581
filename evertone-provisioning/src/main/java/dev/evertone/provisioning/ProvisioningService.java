package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.Format;
import dev.evertone.provisioning.template.TemplateFile;
import dev.evertone.provisioning.template.TemplateReader;
import dev.evertone.provisioning.template.TemplateWriter;
import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.Store;
import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeleteDevice;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.DeleteUser;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateDevice;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.ChangeSet.UpdateUser;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.Domain;
import dev.evertone.store.provisioning.DomainSize;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.ProvisioningRepository.ExportedLine;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.provisioning.Scope;
import dev.evertone.store.provisioning.User;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.ForwardRule;
import dev.evertone.store.routing.PhoneNumber;
import dev.evertone.store.routing.Trunk;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The provisioning operations on the store, on behalf of one actor (an admin token, a local
 * command). Every change goes through one {@link ChangeSet} with its audit event; bulk changes
 * through the planners.
 */
public final class ProvisioningService implements Provisioning {
  private static final DateTimeFormatter BATCH_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Store store;
  private final ProvisioningConfig config;
  private final Clock clock;
  private final Actor actor;
  private final Progress progress;

  public ProvisioningService(Store store, ProvisioningConfig config, Clock clock, Actor actor) {
    this(store, config, clock, actor, Progress.NONE);
  }

  private ProvisioningService(
      Store store, ProvisioningConfig config, Clock clock, Actor actor, Progress progress) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.actor = actor;
    this.progress = progress;
  }

  /** The same operations on behalf of another actor. */
  public ProvisioningService as(Actor other) {
    return new ProvisioningService(store, config, clock, other, progress);
  }

  /** The same operations, reporting the steps of long ones to {@code listener}. */
  public ProvisioningService withProgress(Progress listener) {
    return new ProvisioningService(store, config, clock, actor, listener);
  }

  /**
   * Runs {@code step}, then reports it as {@code what} (computed from its result) with the time it
   * took.
   */
  private <T> T step(Supplier<T> step, Function<T, String> what) {
    long start = System.nanoTime();
    T result = step.get();
    progress.step(
        what.apply(result)
            + String.format(Locale.ROOT, " (%.2f s)", (System.nanoTime() - start) / 1e9));
    return result;
  }

  private void apply(ChangeSet.Builder changes) {
    store.provisioning().apply(changes.build(), actor);
  }

  private String existingDomain(String name) {
    String domain = Values.domain(name);
    if (store.domains().find(domain).isEmpty()) {
      throw new NotFoundException(
          "domain "
              + domain
              + " does not exist; add it first with 'evertone domain add "
              + domain
              + "'");
    }
    return domain;
  }

  // --- domains ---

  @Override
  public List<DomainInfo> domains() {
    Map<String, DomainSize> sizes = store.domains().sizes();
    List<DomainInfo> out = new ArrayList<>();
    for (Domain d : store.domains().list()) {
      DomainSize s = sizes.getOrDefault(d.name(), DomainSize.EMPTY);
      out.add(new DomainInfo(d.name(), d.createdAt(), s.users(), s.devices(), s.lines()));
    }
    return out;
  }

  @Override
  public DomainInfo addDomain(String name) {
    String domain = Values.domain(name);
    if (store.domains().find(domain).isPresent()) {
      throw new ConflictException("domain " + domain + " already exists");
    }
    apply(ChangeSet.builder().addDomain(domain).audit("domain.add", domain, null));
    Domain d = store.domains().find(domain).orElseThrow();
    return new DomainInfo(d.name(), d.createdAt(), 0, 0, 0);
  }

  @Override
  public int removeDomain(String name, boolean withDevices) {
    String domain = existingDomain(name);
    ProvisioningState state = store.provisioning().load(Set.of(domain));
    if (!withDevices && (!state.devices().isEmpty() || !state.users().isEmpty())) {
      throw new ConflictException(
          "domain "
              + domain
              + " still has "
              + count(state.devices().size(), "device")
              + " and "
              + count(state.users().size(), "user")
              + "; remove them first, or remove the domain with its devices (--with-devices)");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    state.lines().forEach(l -> changes.line(new DeleteLine(l.id(), l.revision(), l.key())));
    state.devices().forEach(d -> changes.device(new DeleteDevice(d.id(), d.revision())));
    state.users().forEach(u -> changes.user(new DeleteUser(u.id(), u.revision())));
    apply(
        changes
            .removeDomain(domain)
            .audit(
                "domain.remove",
                domain,
                state.devices().isEmpty()
                    ? null
                    : "with "
                        + count(state.devices().size(), "device")
                        + ", "
                        + count(state.lines().size(), "line")
                        + " and "
                        + count(state.users().size(), "user")));
    return state.devices().size();
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  // --- users ---

  private record Snapshot(
      ProvisioningState state, Map<Long, User> users, Map<Long, List<Line>> lines) {
    static Snapshot of(ProvisioningState state) {
      Map<Long, User> users = new HashMap<>();
      state.users().forEach(u -> users.put(u.id(), u));
      Map<Long, List<Line>> lines = new HashMap<>();
      state
          .lines()
          .forEach(l -> lines.computeIfAbsent(l.deviceId(), k -> new ArrayList<>()).add(l));
      return new Snapshot(state, users, lines);
    }

    @Nullable User user(String extension) {
      return state.users().stream()
          .filter(u -> u.extension().equals(extension))
          .findFirst()
          .orElse(null);
    }

    @Nullable Line line(String authUser) {
      return state.lines().stream()
          .filter(l -> l.authUser().equals(authUser))
          .findFirst()
          .orElse(null);
    }

    @Nullable Device device(long id) {
      return state.devices().stream().filter(d -> d.id() == id).findFirst().orElse(null);
    }

    DeviceInfo view(Device d) {
      User owner = d.userId() == null ? null : users.get(d.userId());
      List<LineInfo> lineInfos =
          lines.getOrDefault(d.id(), List.of()).stream()
              .sorted(Comparator.comparingInt(Line::lineNo))
              .map(l -> new LineInfo(l.lineNo(), l.authUser(), l.aor(), l.changedAt()))
              .toList();
      return new DeviceInfo(
          d.id(),
          d.domain(),
          d.mac() == null ? null : Values.formatMac(d.mac()),
          d.model(),
          d.description(),
          owner == null ? null : owner.extension(),
          owner == null ? null : owner.displayName(),
          lineInfos,
          d.createdAt(),
          d.updatedAt());
    }
  }

  private Snapshot snapshot(String domain) {
    return Snapshot.of(store.provisioning().load(Set.of(domain)));
  }

  @Override
  public List<UserInfo> users(String name) {
    String domain = existingDomain(name);
    ProvisioningState state = store.provisioning().load(Set.of(domain));
    Map<Long, Integer> devices = new HashMap<>();
    state
        .devices()
        .forEach(
            d -> {
              if (d.userId() != null) {
                devices.merge(d.userId(), 1, Integer::sum);
              }
            });
    return state.users().stream()
        .sorted(Comparator.comparing(User::extension))
        .map(
            u ->
                new UserInfo(
                    domain, u.extension(), u.displayName(), devices.getOrDefault(u.id(), 0)))
        .toList();
  }

  private UserInfo user(String domain, String extension) {
    return users(domain).stream()
        .filter(u -> u.extension().equals(extension))
        .findFirst()
        .orElseThrow(
            () -> new NotFoundException("user " + extension + "@" + domain + " does not exist"));
  }

  @Override
  public UserInfo addUser(String domainName, String extension, @Nullable String displayName) {
    String domain = existingDomain(domainName);
    String ext = Values.extension(extension);
    String name = Values.displayName(displayName);
    if (snapshot(domain).user(ext) != null) {
      throw new ConflictException("user " + ext + "@" + domain + " already exists");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    apply(
        changes
            .user(new CreateUser(changes.nextRef(), domain, ext, name))
            .audit("user.add", ext + "@" + domain, name));
    return user(domain, ext);
  }

  @Override
  public UserInfo updateUser(String domainName, String extension, @Nullable String displayName) {
    String domain = existingDomain(domainName);
    String ext = Values.extension(extension);
    String name = Values.displayName(displayName);
    User u = snapshot(domain).user(ext);
    if (u == null) {
      throw new NotFoundException("user " + ext + "@" + domain + " does not exist");
    }
    if (!Objects.equals(u.displayName(), name)) {
      apply(
          ChangeSet.builder()
              .user(new UpdateUser(u.id(), u.revision(), name))
              .audit(
                  "user.update",
                  ext + "@" + domain,
                  "display_name: " + u.displayName() + " -> " + name));
    }
    return user(domain, ext);
  }

  @Override
  public void removeUser(String domainName, String extension) {
    String domain = existingDomain(domainName);
    String ext = Values.extension(extension);
    Snapshot s = snapshot(domain);
    User u = s.user(ext);
    if (u == null) {
      throw new NotFoundException("user " + ext + "@" + domain + " does not exist");
    }
    long owned =
        s.state().devices().stream().filter(d -> Objects.equals(d.userId(), u.id())).count();
    if (owned > 0) {
      throw new ConflictException(
          "user "
              + ext
              + "@"
              + domain
              + " still owns "
              + count((int) owned, "device")
              + "; remove them or give them another owner first");
    }
    apply(
        ChangeSet.builder()
            .user(new DeleteUser(u.id(), u.revision()))
            .audit("user.remove", ext + "@" + domain, null));
  }

  // --- devices and lines ---

  @Override
  public List<DeviceInfo> devices(
      String domainName, @Nullable String mac, @Nullable String authUser) {
    String domain = existingDomain(domainName);
    String m = mac == null || mac.isBlank() ? null : Values.mac(mac);
    String user = authUser == null || authUser.isBlank() ? null : Values.authUser(authUser);
    Snapshot s = snapshot(domain);
    Line line = user == null ? null : s.line(user);
    if (user != null && line == null) {
      return List.of();
    }
    return s.state().devices().stream()
        .filter(d -> m == null || m.equals(d.mac()))
        .filter(d -> line == null || d.id() == line.deviceId())
        .sorted(
            Comparator.comparing((Device d) -> d.mac() == null ? "~" : d.mac())
                .thenComparingLong(Device::id))
        .map(s::view)
        .toList();
  }

  @Override
  public DeviceInfo device(String domainName, long id) {
    String domain = existingDomain(domainName);
    Snapshot s = snapshot(domain);
    Device d = s.device(id);
    if (d == null) {
      throw new NotFoundException("device " + id + " does not exist in " + domain);
    }
    return s.view(d);
  }

  @Override
  public DeviceCreated addDevice(NewDevice request) {
    String domain = existingDomain(request.domain());
    if (request.lines().isEmpty()) {
      throw new ValidationException(
          "lines",
          "a device needs at least one line (an auth user, and a secret or none to generate one)");
    }
    for (NewLine l : request.lines()) {
      Values.authUser(l.authUser() == null ? "" : l.authUser().strip());
    }
    String mac = Values.mac(request.mac());
    String model = Values.model(request.model());
    String description = Values.description(request.description());
    Snapshot s = snapshot(domain);
    if (mac != null && !store.provisioning().devicesWithMacs(Set.of(mac)).isEmpty()) {
      throw new ConflictException("a device with MAC " + Values.formatMac(mac) + " already exists");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    Long owner = owner(domain, request.extension(), request.displayName(), s, changes);
    long device = changes.nextRef();
    changes.device(new CreateDevice(device, domain, mac, model, description, owner));
    List<GeneratedSecret> generated =
        addLines(domain, device, Set.of(), request.lines(), s, changes);
    String target =
        mac != null ? Values.formatMac(mac) : request.lines().get(0).authUser() + "@" + domain;
    apply(
        changes.audit(
            "device.add",
            target,
            count(request.lines().size(), "line")
                + (owner == null ? "" : ", owner " + request.extension())));
    Snapshot after = snapshot(domain);
    Line first = after.line(Values.authUser(request.lines().get(0).authUser()));
    return new DeviceCreated(after.view(after.device(first.deviceId())), generated);
  }

  /**
   * The owner's id or reference: an existing user, a new one (added to {@code changes}), or null.
   */
  private static @Nullable Long owner(
      String domain,
      @Nullable String extension,
      @Nullable String displayName,
      Snapshot s,
      ChangeSet.Builder changes) {
    if (extension == null || extension.isBlank()) {
      if (displayName != null && !displayName.isBlank()) {
        throw new ValidationException(
            "display_name", "a display name belongs to a user: give the extension too");
      }
      return null;
    }
    String ext = Values.extension(extension.strip());
    User existing = s.user(ext);
    if (existing != null) {
      String name = Values.displayName(displayName);
      if (name != null && !name.equals(existing.displayName())) {
        changes.user(new UpdateUser(existing.id(), existing.revision(), name));
      }
      return existing.id();
    }
    long ref = changes.nextRef();
    changes.user(new CreateUser(ref, domain, ext, Values.displayName(displayName)));
    return ref;
  }

  /** Adds {@code lines} to device {@code device}, whose lines {@code taken} are already there. */
  private static List<GeneratedSecret> addLines(
      String domain,
      long device,
      Set<Integer> taken,
      List<NewLine> lines,
      Snapshot s,
      ChangeSet.Builder changes) {
    Set<Integer> used = new HashSet<>(taken);
    Set<String> users = new HashSet<>();
    List<GeneratedSecret> generated = new ArrayList<>();
    for (NewLine l : lines) {
      if (l.line() != null && !used.add(Values.lineNo(l.line()))) {
        throw new ConflictException("line " + l.line() + " of the device is taken");
      }
    }
    for (NewLine l : lines) {
      String user = Values.authUser(l.authUser() == null ? "" : l.authUser().strip());
      if (s.line(user) != null || !users.add(user)) {
        throw new ConflictException(
            "auth user " + user + "@" + domain + " is taken; each line has its own");
      }
      int lineNo;
      if (l.line() != null) {
        lineNo = l.line();
      } else {
        lineNo = 1;
        while (used.contains(lineNo)) {
          lineNo++;
        }
        used.add(Values.lineNo(lineNo));
      }
      String secret = l.secret();
      if (secret == null) {
        secret = Secrets.generate();
        generated.add(new GeneratedSecret(domain, user, secret));
      } else {
        Values.secret(secret);
      }
      changes.line(
          new CreateLine(device, lineNo, domain, user, new Plain(secret), HistoryEntry.CREATED));
    }
    return generated;
  }

  private Device existingDevice(Snapshot s, String domain, long id) {
    Device d = s.device(id);
    if (d == null) {
      throw new NotFoundException("device " + id + " does not exist in " + domain);
    }
    return d;
  }

  @Override
  public DeviceInfo updateDevice(String domainName, long id, DeviceUpdate update) {
    String domain = existingDomain(domainName);
    Snapshot s = snapshot(domain);
    Device d = existingDevice(s, domain, id);
    String mac = update.mac() == null ? d.mac() : Values.mac(update.mac());
    String model = update.model() == null ? d.model() : Values.model(update.model());
    String description =
        update.description() == null ? d.description() : Values.description(update.description());
    if (mac != null
        && !mac.equals(d.mac())
        && !store.provisioning().devicesWithMacs(Set.of(mac)).isEmpty()) {
      throw new ConflictException("a device with MAC " + Values.formatMac(mac) + " already exists");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    Long owner =
        update.extension() == null
            ? d.userId()
            : owner(domain, update.extension(), null, s, changes);
    List<String> changed = new ArrayList<>();
    noteChange(changed, "mac", d.mac(), mac);
    noteChange(changed, "model", d.model(), model);
    noteChange(changed, "description", d.description(), description);
    if (!Objects.equals(owner, d.userId())) {
      User before = d.userId() == null ? null : s.users().get(d.userId());
      changed.add(
          "extension: "
              + (before == null ? null : before.extension())
              + " -> "
              + update.extension());
    }
    if (!changed.isEmpty()) {
      apply(
          changes
              .device(new UpdateDevice(d.id(), d.revision(), mac, model, description, owner))
              .audit("device.update", deviceName(d), String.join("; ", changed)));
    }
    return device(domain, id);
  }

  private static void noteChange(
      List<String> changed, String field, @Nullable String before, @Nullable String after) {
    if (!Objects.equals(before, after)) {
      changed.add(field + ": " + before + " -> " + after);
    }
  }

  private static String deviceName(Device d) {
    return d.mac() != null ? Values.formatMac(d.mac()) : "device " + d.id() + "@" + d.domain();
  }

  @Override
  public void removeDevice(String domainName, long id) {
    String domain = existingDomain(domainName);
    Snapshot s = snapshot(domain);
    Device d = existingDevice(s, domain, id);
    ChangeSet.Builder changes = ChangeSet.builder();
    List<Line> lines = s.lines().getOrDefault(d.id(), List.of());
    lines.forEach(l -> changes.line(new DeleteLine(l.id(), l.revision(), l.key())));
    apply(
        changes
            .device(new DeleteDevice(d.id(), d.revision()))
            .audit(
                "device.remove",
                deviceName(d),
                "lines "
                    + String.join(", ", lines.stream().map(l -> l.key().toString()).toList())));
  }

  @Override
  public DeviceCreated addLine(String domainName, long deviceId, NewLine line) {
    String domain = existingDomain(domainName);
    Snapshot s = snapshot(domain);
    Device d = existingDevice(s, domain, deviceId);
    Set<Integer> taken = new HashSet<>();
    s.lines().getOrDefault(d.id(), List.of()).forEach(l -> taken.add(l.lineNo()));
    ChangeSet.Builder changes = ChangeSet.builder();
    List<GeneratedSecret> generated = addLines(domain, d.id(), taken, List.of(line), s, changes);
    apply(changes.audit("line.add", line.authUser() + "@" + domain, "on " + deviceName(d)));
    return new DeviceCreated(device(domain, deviceId), generated);
  }

  private Line existingLine(Snapshot s, String domain, String authUser) {
    String user = Values.authUser(authUser);
    Line l = s.line(user);
    if (l == null) {
      throw new NotFoundException("line " + user + "@" + domain + " does not exist");
    }
    return l;
  }

  @Override
  public void removeLine(String domainName, String authUser) {
    String domain = existingDomain(domainName);
    Snapshot s = snapshot(domain);
    Line l = existingLine(s, domain, authUser);
    if (s.lines().get(l.deviceId()).size() == 1) {
      throw new ConflictException(
          "line " + l.key() + " is the only line of its device; remove the device instead");
    }
    apply(
        ChangeSet.builder()
            .line(new DeleteLine(l.id(), l.revision(), l.key()))
            .audit("line.remove", l.key().toString(), null));
  }

  @Override
  public SecretChanged setSecret(String domainName, String authUser, @Nullable String secret) {
    String value = secret == null ? Secrets.generate() : Values.secret(secret);
    String domain = existingDomain(domainName);
    Snapshot s = snapshot(domain);
    Line l = existingLine(s, domain, authUser);
    apply(
        ChangeSet.builder()
            .line(
                new UpdateLine(
                    l.id(),
                    l.revision(),
                    l.key(),
                    l.deviceId(),
                    l.lineNo(),
                    new Plain(value),
                    HistoryEntry.CHANGED))
            .audit("credential.set", l.key().toString(), secret == null ? "generated" : null));
    return new SecretChanged(domain, l.authUser(), secret == null ? value : null, clock.instant());
  }

  @Override
  public List<CredentialVersion> history(String domainName, String authUser) {
    LineKey key = new LineKey(Values.domain(domainName), Values.authUser(authUser));
    List<HistoryEntry> entries = store.credentials().history(key);
    if (entries.isEmpty()) {
      throw new NotFoundException("line " + key + " has no history: it never existed");
    }
    return entries.stream()
        .map(
            e ->
                new CredentialVersion(
                    e.changedAt(),
                    e.change(),
                    e.actor(),
                    e.batchId(),
                    e.secretHash() == null ? null : e.secretHash().substring(0, 12)))
        .toList();
  }

  // --- bulk ---

  @Override
  public PlanResult importFile(byte[] content, ImportOptions options) {
    Format format =
        options.format() != null ? options.format() : Format.detect(options.fileName(), content);
    TemplateFile file =
        step(
            () -> new TemplateReader(config.template()).read(content, format),
            f ->
                String.format(
                    Locale.ROOT,
                    "read %,d rows (%,d bytes, %s)",
                    f.rows().size(),
                    content.length,
                    format));
    ImportPlanner.Plan plan =
        step(
            () ->
                new ImportPlanner(
                        store.provisioning(), store.domains(), config.guard(), config.template())
                    .plan(file, options.createDomains()),
            p ->
                String.format(
                    Locale.ROOT,
                    "checked every row and planned %,d changes",
                    p.summary().created() + p.summary().updated() + p.summary().deleted()));
    GuardReport guard =
        plan.guard()
            .report(
                options.confirmLarge(), "this import", "--confirm-large (API: confirm_large=true)");
    if (options.dryRun()) {
      return new PlanResult(
          null,
          false,
          plan.summary(),
          plan.items(),
          plan.itemsOmitted(),
          guard,
          List.of(),
          plan.createdDomains());
    }
    String fileName = options.fileName() == null ? "(upload)" : options.fileName();
    if (guard.large() && !options.confirmLarge()) {
      // recorded, so that the status page's import monitor (on any node) sees a refused change of
      // this size
      apply(ChangeSet.builder().audit("import.refused", fileName, guard.message()));
      throw new LargeChangeException(
          new PlanResult(
              null,
              false,
              plan.summary(),
              plan.items(),
              plan.itemsOmitted(),
              guard,
              List.of(),
              plan.createdDomains()));
    }
    String batch = batchId("import");
    Summary s = plan.summary();
    ChangeSet.Builder changes = plan.changes().batch(batch);
    for (String d : plan.createdDomains()) {
      changes.audit("domain.add", d, "created by import " + batch);
    }
    if (guard.large()) {
      changes.audit("import.large", fileName, guard.message());
    }
    changes.audit(
        "import.apply",
        fileName,
        String.format(
            "%d rows: %d created, %d updated, %d unchanged, %d deleted; %d credentials changed or deleted%s",
            s.rows(),
            s.created(),
            s.updated(),
            s.unchanged(),
            s.deleted(),
            s.credentialChanges(),
            guard.large() ? " (large, confirmed)" : ""));
    step(
        () -> {
          apply(changes);
          return batch;
        },
        b -> "applied as batch " + b + " in one transaction");
    return new PlanResult(
        batch,
        true,
        s,
        plan.items(),
        plan.itemsOmitted(),
        guard,
        plan.generated(),
        plan.createdDomains());
  }

  @Override
  public void export(Format format, @Nullable String domainName, OutputStream out) {
    Set<String> domains = domainName == null ? null : Set.of(existingDomain(domainName));
    List<ExportedLine> lines =
        store.provisioning().export(domains == null ? Scope.all() : Scope.domains(domains));
    ProvisioningState state = store.provisioning().load(domains);
    Set<Long> owners = new HashSet<>();
    state
        .devices()
        .forEach(
            d -> {
              if (d.userId() != null) {
                owners.add(d.userId());
              }
            });
    List<TemplateWriter.Row> rows = new ArrayList<>();
    // users without devices first, so that a re-import creates them with their names
    state.users().stream()
        .filter(u -> !owners.contains(u.id()))
        .sorted(Comparator.comparing(User::domain).thenComparing(User::extension))
        .forEach(
            u ->
                rows.add(
                    row(
                        Column.DOMAIN,
                        u.domain(),
                        Column.EXTENSION,
                        u.extension(),
                        Column.DISPLAY_NAME,
                        u.displayName())));
    for (ExportedLine l : lines) {
      rows.add(
          row(
              Column.DOMAIN,
              l.domain(),
              Column.EXTENSION,
              l.extension(),
              Column.DISPLAY_NAME,
              l.displayName(),
              Column.MAC,
              l.mac() == null ? null : Values.formatMac(l.mac()),
              Column.MODEL,
              l.model(),
              Column.DESCRIPTION,
              l.description(),
              Column.LINE,
              String.valueOf(l.lineNo()),
              Column.AUTH_USER,
              l.authUser(),
              Column.SECRET,
              l.secret()));
    }
    List<String> domainNames = new ArrayList<>(new TreeSet<>(state.domains()));
    TemplateWriter.write(format, domainNames, rows, clock.instant(), out);
    apply(
        ChangeSet.builder()
            .audit(
                "export",
                domainName == null ? "(all domains)" : domainName,
                count(lines.size(), "line")
                    + ", "
                    + format.name().toLowerCase(Locale.ROOT)
                    + ", secrets included"));
  }

  private static TemplateWriter.Row row(Object... pairs) {
    Map<Column, String> values = new EnumMap<>(Column.class);
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        values.put((Column) pairs[i], (String) pairs[i + 1]);
      }
    }
    return new TemplateWriter.Row(values);
  }

  @Override
  public PlanResult restore(RestoreRequest request) {
    String batch = batchId("restore");
    String what = request.at() != null ? "to " + request.at() : "undoing batch " + request.batch();
    String scope = request.domain() != null ? " in " + request.domain() : "";
    if (!request.lines().isEmpty() || !request.macs().isEmpty()) {
      scope +=
          " for "
              + String.join(", ", request.lines())
              + (request.macs().isEmpty() ? "" : " devices " + String.join(", ", request.macs()));
    }
    String target = request.batch() != null ? request.batch() : "at " + request.at();
    String where = scope;
    RestorePlanner.Result result =
        step(
            () ->
                new RestorePlanner(store, config.guard())
                    .restore(
                        request,
                        actor,
                        batch,
                        s ->
                            new ChangeSet.AuditEntry(
                                "credentials.restore",
                                target,
                                String.format(
                                    "%s%s: %d restored, %d recreated, %d deleted, %d unchanged, %d kept, %d skipped",
                                    what,
                                    where,
                                    s.restored(),
                                    s.recreated(),
                                    s.deleted(),
                                    s.unchanged(),
                                    s.kept(),
                                    s.skipped()))),
            r ->
                r.plan().applied()
                    ? "planned and applied as batch " + batch + " in one transaction"
                    : String.format(
                        Locale.ROOT,
                        "planned the restore of %,d lines",
                        r.plan().summary().restored() + r.plan().summary().recreated()));
    if (result.refused()) {
      throw new LargeChangeException(result.plan());
    }
    return result.plan();
  }

  /** A batch id people can read and type: kind, UTC time, and random hex. */
  private String batchId(String kind) {
    byte[] r = new byte[3];
    RANDOM.nextBytes(r);
    return kind + "-" + BATCH_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(r);
  }

  @Override
  public List<AuditEvent> audit(@Nullable String batch, @Nullable Instant since, int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new ValidationException("limit", "must be between 1 and 10000");
    }
    return store.audit().list(batch, since, limit);
  }

  @Override
  public List<TrunkInfo> trunks(String domainName) {
    String d = existingDomain(domainName);
    return store.routing().trunks().stream()
        .filter(t -> t.domain().equals(d))
        .map(TrunkInfo::of)
        .toList();
  }

  @Override
  public TrunkInfo putTrunk(String domainName, String name, TrunkSpec spec) {
    if (spec.host() == null) {
      throw new ValidationException("host", "is required: the carrier's IP address or host name");
    }
    if (spec.password() != null && spec.username() == null) {
      throw new ValidationException("password", "needs the account name (username) it belongs to");
    }
    Trunk t =
        new Trunk(
            domainName,
            name,
            spec.host(),
            spec.port() == null ? 5060 : spec.port(),
            spec.transport() == null ? "udp" : spec.transport().toLowerCase(Locale.ROOT),
            spec.username(),
            spec.password() != null,
            spec.priority() == null ? 10 : spec.priority(),
            spec.numberFormat() == null
                ? Trunk.NumberFormat.E164
                : Trunk.NumberFormat.parse(spec.numberFormat()),
            spec.registerInterval() == null ? 0 : spec.registerInterval());
    store.routing().putTrunk(t, spec.password(), actor);
    return store.routing().trunks().stream()
        .filter(x -> x.domain().equals(t.domain()) && x.name().equals(t.name()))
        .map(TrunkInfo::of)
        .findFirst()
        .orElseThrow();
  }

  @Override
  public void removeTrunk(String domainName, String name) {
    String d = existingDomain(domainName);
    if (!store.routing().removeTrunk(d, name, actor)) {
      throw new NotFoundException(
          "trunk "
              + name
              + " of "
              + d
              + " does not exist; 'evertone trunk list "
              + d
              + "' shows the trunks");
    }
  }

  @Override
  public List<PhoneNumber> numbers(String domainName) {
    String d = existingDomain(domainName);
    return store.routing().numbers().stream().filter(n -> n.domain().equals(d)).toList();
  }

  @Override
  public PhoneNumber putNumber(String domainName, String number, String extension) {
    PhoneNumber n = new PhoneNumber(number, domainName, extension);
    PhoneNumber existing =
        store.routing().numbers().stream()
            .filter(x -> x.number().equals(n.number()))
            .findFirst()
            .orElse(null);
    if (existing != null && !existing.domain().equals(n.domain())) {
      throw new ConflictException(
          "number "
              + n.number()
              + " belongs to domain "
              + existing.domain()
              + "; remove it there first");
    }
    store.routing().putNumber(n, actor);
    return n;
  }

  @Override
  public void removeNumber(String domainName, String number) {
    String d = existingDomain(domainName);
    String n = PhoneNumber.e164(number);
    boolean ours =
        store.routing().numbers().stream()
            .anyMatch(x -> x.number().equals(n) && x.domain().equals(d));
    if (!ours || !store.routing().removeNumber(n, actor)) {
      throw new NotFoundException("number " + n + " is not a number of " + d);
    }
  }

  @Override
  public List<ForwardInfo> forwarding(String domainName, String extension) {
    String d = existingDomain(domainName);
    String e = Values.extension(extension);
    return store.routing().forwardRules().stream()
        .filter(r -> r.domain().equals(d) && r.extension().equals(e))
        .map(ForwardInfo::of)
        .toList();
  }

  @Override
  public ForwardInfo setForwarding(
      String domainName,
      String extension,
      String kind,
      String target,
      @Nullable Integer afterSeconds) {
    ForwardRule r =
        new ForwardRule(domainName, extension, ForwardRule.Kind.parse(kind), target, afterSeconds);
    store.routing().putForwardRule(r, actor);
    return ForwardInfo.of(r);
  }

  @Override
  public void removeForwarding(String domainName, String extension, String kind) {
    String d = existingDomain(domainName);
    ForwardRule.Kind k = ForwardRule.Kind.parse(kind);
    if (!store.routing().removeForwardRule(d, extension, k, actor)) {
      throw new NotFoundException(extension + "@" + d + " has no " + k.lowerName() + " forwarding");
    }
  }

  @Override
  public DialPlan dialPlan(String domainName) {
    String d = existingDomain(domainName);
    return store
        .routing()
        .dialPlan(d)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "domain "
                        + d
                        + " has no dial plan: only numbers dialled with + reach its trunks; set one with 'evertone dialplan set "
                        + d
                        + " --country-code CC'"));
  }

  @Override
  public DialPlan setDialPlan(
      String domainName, String countryCode, String nationalPrefix, String internationalPrefix) {
    DialPlan p = new DialPlan(domainName, countryCode, nationalPrefix, internationalPrefix);
    store.routing().putDialPlan(p, actor);
    return p;
  }
}
