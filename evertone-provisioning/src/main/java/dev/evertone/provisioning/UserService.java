package dev.evertone.provisioning;

import static dev.evertone.provisioning.ProvisioningContext.count;

import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeleteUser;
import dev.evertone.store.provisioning.ChangeSet.UpdateUser;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.provisioning.User;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Users (extensions) of a domain: listed with how many devices they own, added, renamed, removed.
 */
final class UserService {
  private final ProvisioningContext context;

  UserService(ProvisioningContext context) {
    this.context = context;
  }

  List<UserInfo> list(String name) {
    String domain = context.existingDomain(name);
    ProvisioningState state = context.store().provisioning().load(Set.of(domain));
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

  private UserInfo find(String domain, String extension) {
    return list(domain).stream()
        .filter(u -> u.extension().equals(extension))
        .findFirst()
        .orElseThrow(
            () -> new NotFoundException("user " + extension + "@" + domain + " does not exist"));
  }

  UserInfo add(String domainName, String extension, @Nullable String displayName) {
    String domain = context.existingDomain(domainName);
    String ext = Values.extension(extension);
    String name = Values.displayName(displayName);
    if (context.snapshot(domain).user(ext) != null) {
      throw new ConflictException("user " + ext + "@" + domain + " already exists");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    context.apply(
        changes
            .user(new CreateUser(changes.nextRef(), domain, ext, name))
            .audit("user.add", ext + "@" + domain, name));
    return find(domain, ext);
  }

  UserInfo update(String domainName, String extension, @Nullable String displayName) {
    String domain = context.existingDomain(domainName);
    String ext = Values.extension(extension);
    String name = Values.displayName(displayName);
    User u = context.snapshot(domain).user(ext);
    if (u == null) {
      throw new NotFoundException("user " + ext + "@" + domain + " does not exist");
    }
    if (!Objects.equals(u.displayName(), name)) {
      context.apply(
          ChangeSet.builder()
              .user(new UpdateUser(u.id(), u.revision(), name))
              .audit(
                  "user.update",
                  ext + "@" + domain,
                  "display_name: " + u.displayName() + " -> " + name));
    }
    return find(domain, ext);
  }

  void remove(String domainName, String extension) {
    String domain = context.existingDomain(domainName);
    String ext = Values.extension(extension);
    DomainSnapshot s = context.snapshot(domain);
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
    context.apply(
        ChangeSet.builder()
            .user(new DeleteUser(u.id(), u.revision()))
            .audit("user.remove", ext + "@" + domain, null));
  }
}
