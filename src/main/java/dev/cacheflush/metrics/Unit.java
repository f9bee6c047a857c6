package dev.cacheflush.metrics;

/** The CloudWatch units this tool's metrics use, spelled as CloudWatch and EMF spell them. */
public enum Unit {
  COUNT("Count"),
  PERCENT("Percent"),
  MILLISECONDS("Milliseconds"),
  COUNT_PER_SECOND("Count/Second"),
  NONE("None");

  private final String cloudWatchName;

  Unit(String cloudWatchName) {
    this.cloudWatchName = cloudWatchName;
  }

  public String cloudWatchName() {
    return cloudWatchName;
  }
}
