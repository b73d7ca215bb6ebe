package dev.lumen.core.model;

/** What a classifier's scores mean. */
public enum Task {
  /** One label per image; scores are (or become, through softmax) probabilities summing to 1. */
  MULTI_CLASS("multi-class"),
  /** Any number of labels per image; each score is (or becomes, through a sigmoid) a probability. */
  MULTI_LABEL("multi-label"),
  /** One output: the probability of the positive label. */
  BINARY("binary");

  private final String cardName;

  Task(String cardName) {
    this.cardName = cardName;
  }

  /** The name model cards and the command line use. */
  public String cardName() {
    return cardName;
  }

  /**
   * The task named {@code name} in a model card.
   *
   * @throws IllegalArgumentException for unknown names
   */
  public static Task fromCardName(String name) {
    for (Task t : values()) {
      if (t.cardName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown task '" + name + "', expected one of [multi-class, multi-label, binary]");
  }
}
