package dev.evertone.provisioning;

import static dev.evertone.provisioning.ProvisioningContext.count;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.Format;
import dev.evertone.provisioning.template.TemplateWriter;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ProvisioningRepository.ExportedLine;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.provisioning.Scope;
import dev.evertone.store.provisioning.User;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Exports in the template format, secrets included, so that an import of the file gives back what
 * was exported; each export is in the audit log.
 */
final class ExportService {
  private final ProvisioningContext context;

  ExportService(ProvisioningContext context) {
    this.context = context;
  }

  void export(Format format, @Nullable String domainName, OutputStream out) {
    Set<String> domains = domainName == null ? null : Set.of(context.existingDomain(domainName));
    List<ExportedLine> lines =
        context
            .store()
            .provisioning()
            .export(domains == null ? Scope.all() : Scope.domains(domains));
    ProvisioningState state = context.store().provisioning().load(domains);
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
    TemplateWriter.write(format, domainNames, rows, context.clock().instant(), out);
    context.apply(
        ChangeSet.builder()
            .audit(
                "export",
                domainName == null ? "(all domains)" : domainName,
                count(lines.size(), "line")
                    + ", "
                    + format.name().toLowerCase(Locale.ROOT)
                    + ", secrets included"));
  }

  /** A row of the cells given as column, value pairs; a null value leaves its cell empty. */
  private static TemplateWriter.Row row(@Nullable Object... pairs) {
    Map<Column, String> values = new EnumMap<>(Column.class);
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        values.put((Column) pairs[i], (String) pairs[i + 1]);
      }
    }
    return new TemplateWriter.Row(values);
  }
}
