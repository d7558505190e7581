package dev.evertone.provisioning;

import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.PhoneNumber;
import dev.evertone.store.routing.Trunk;
import java.util.List;
import java.util.Locale;

/**
 * How calls leave and enter a domain: its trunks to carriers, its numbers (DIDs) and the extensions
 * they ring, and the dial plan that turns dialled numbers into E.164.
 */
final class RoutingService {
  private final ProvisioningContext context;

  RoutingService(ProvisioningContext context) {
    this.context = context;
  }

  List<TrunkInfo> trunks(String domainName) {
    String d = context.existingDomain(domainName);
    return context.store().routing().trunks().stream()
        .filter(t -> t.domain().equals(d))
        .map(TrunkInfo::of)
        .toList();
  }

  TrunkInfo putTrunk(String domainName, String name, TrunkSpec spec) {
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
    context.store().routing().putTrunk(t, spec.password(), context.actor());
    return context.store().routing().trunks().stream()
        .filter(x -> x.domain().equals(t.domain()) && x.name().equals(t.name()))
        .map(TrunkInfo::of)
        .findFirst()
        .orElseThrow();
  }

  void removeTrunk(String domainName, String name) {
    String d = context.existingDomain(domainName);
    if (!context.store().routing().removeTrunk(d, name, context.actor())) {
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

  List<PhoneNumber> numbers(String domainName) {
    String d = context.existingDomain(domainName);
    return context.store().routing().numbers().stream().filter(n -> n.domain().equals(d)).toList();
  }

  PhoneNumber putNumber(String domainName, String number, String extension) {
    PhoneNumber n = new PhoneNumber(number, domainName, extension);
    PhoneNumber existing =
        context.store().routing().numbers().stream()
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
    context.store().routing().putNumber(n, context.actor());
    return n;
  }

  void removeNumber(String domainName, String number) {
    String d = context.existingDomain(domainName);
    String n = PhoneNumber.e164(number);
    boolean ours =
        context.store().routing().numbers().stream()
            .anyMatch(x -> x.number().equals(n) && x.domain().equals(d));
    if (!ours || !context.store().routing().removeNumber(n, context.actor())) {
      throw new NotFoundException("number " + n + " is not a number of " + d);
    }
  }

  DialPlan dialPlan(String domainName) {
    String d = context.existingDomain(domainName);
    return context
        .store()
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

  DialPlan setDialPlan(
      String domainName, String countryCode, String nationalPrefix, String internationalPrefix) {
    DialPlan p = new DialPlan(domainName, countryCode, nationalPrefix, internationalPrefix);
    context.store().routing().putDialPlan(p, context.actor());
    return p;
  }
}
