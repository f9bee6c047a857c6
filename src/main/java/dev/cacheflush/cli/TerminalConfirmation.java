package dev.cacheflush.cli;

import dev.cacheflush.config.Settings;
import dev.cacheflush.flush.Confirmation;
import dev.cacheflush.glob.RedisGlob;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Shows the person what is about to be deleted where, and takes only an explicit "yes". */
final class TerminalConfirmation implements Confirmation {
  private final CliContext context;
  private final Settings settings;

  TerminalConfirmation(CliContext context, Settings settings) {
    this.context = context;
    this.settings = settings;
  }

  @Override
  public boolean confirm(String maskedTarget, String mode, long keys) {
    String flush =
        settings.flushPatterns().stream().map(RedisGlob::pattern).collect(Collectors.joining(" "));
    String preserve =
        settings.preservePatterns().stream()
            .map(RedisGlob::pattern)
            .collect(Collectors.joining(" "));
    context.err().printf(Locale.ROOT, "About to DELETE keys matching   %s%n", flush);
    context.err().printf(Locale.ROOT, "keeping every key matching      %s%n", preserve);
    context.err().printf(Locale.ROOT, "on %s (%s, %,d keys).%n", maskedTarget, mode, keys);
    context.err().flush();
    String answer = ask("Type 'yes' to flush: ");
    return answer != null && answer.strip().equalsIgnoreCase("yes");
  }

  /**
   * The answer, or null when a stop was asked for first. A read from a terminal cannot be
   * interrupted, so it runs on a thread of its own, left behind when the run stops.
   */
  private String ask(String prompt) {
    CompletableFuture<String> answer = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                answer.complete(context.terminal().readLine(prompt));
              } catch (RuntimeException e) {
                answer.completeExceptionally(e);
              }
            },
            "cacheflush-prompt");
    reader.setDaemon(true);
    reader.start();
    CompletableFuture.anyOf(answer, context.stopSignal().asFuture()).join();
    return context.stopSignal().requested() ? null : answer.join();
  }
}
