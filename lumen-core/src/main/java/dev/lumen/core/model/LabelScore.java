package dev.lumen.core.model;

/**
 * One label's result.
 *
 * @param index the label's position in the model output
 * @param label the label's name
 * @param probability the probability (softmax or sigmoid of the logit when the graph outputs logits)
 */
public record LabelScore(int index, String label, float probability) {}
