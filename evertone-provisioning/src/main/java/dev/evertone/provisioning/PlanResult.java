package dev.evertone.provisioning;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The plan of an import or restore and, unless it was a dry run, its result.
 *
 * @param batchId the batch it was applied as (null for a dry run): {@code credentials restore
 *     --batch} undoes it
 * @param applied whether it was written
 * @param items what happens to each line and user (for a large restore, the first of each kind)
 * @param itemsOmitted how many lines the items leave out (their counts are in the summary)
 * @param generatedSecrets the secrets generated for new lines (applied imports only), shown this
 *     once
 * @param createdDomains domains created by the import ({@code --create-domains})
 */
public record PlanResult(
    @Nullable String batchId,
    boolean applied,
    Summary summary,
    List<PlanItem> items,
    int itemsOmitted,
    GuardReport guard,
    List<GeneratedSecret> generatedSecrets,
    List<String> createdDomains) {
  public PlanResult {
    items = List.copyOf(items);
    generatedSecrets = List.copyOf(generatedSecrets);
    createdDomains = List.copyOf(createdDomains);
  }
}
