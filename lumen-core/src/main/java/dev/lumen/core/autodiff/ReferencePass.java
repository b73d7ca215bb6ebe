package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The forward pass run a second time on a reference input, as DeepLIFT compares every layer's
 * values with those of its baseline: a copy of each node whose values depend on the
 * differentiated inputs, reading the references in their place. A tensor {@code t} of the copy is
 * named {@code t + SUFFIX}; nodes that read only a tensor's shape ({@code Shape}, {@code Size})
 * are shared, since input and reference have the same shape.
 */
final class ReferencePass {
  /** What a tensor's name becomes in the reference copy. */
  static final String SUFFIX = "__lumen_ref";
  private static final Set<String> SHAPE_ONLY = Set.of("Shape", "Size");

  private final Set<String> varying;
  private final Map<Integer, Node> copies;

  private ReferencePass(Set<String> varying, Map<Integer, Node> copies) {
    this.varying = varying;
    this.copies = copies;
  }

  /** The copy of {@code graph}'s nodes that depend on the values of {@code inputs}. */
  static ReferencePass of(OnnxGraph graph, List<String> inputs) {
    Set<String> varying = new HashSet<>(inputs);
    Map<Integer, Node> copies = new LinkedHashMap<>();
    for (Node node : graph.nodes()) {
      if (SHAPE_ONLY.contains(node.opType()) || node.inputs().stream().noneMatch(varying::contains)) {
        continue;
      }
      NodeProto.Builder copy = node.proto().toBuilder();
      if (!node.name().isEmpty()) {
        copy.setName(node.name() + SUFFIX);
      }
      for (int i = 0; i < copy.getInputCount(); i++) {
        if (varying.contains(copy.getInput(i))) {
          copy.setInput(i, copy.getInput(i) + SUFFIX);
        }
      }
      if (node.opType().equals("MaxPool")) {
        // the maximum rule reads where the reference's maxima are
        while (copy.getOutputCount() < 2) {
          copy.addOutput("");
        }
        if (copy.getOutput(1).isEmpty()) {
          copy.setOutput(1, node.output() + "__lumen_output_1");
        }
      }
      for (int o = 0; o < copy.getOutputCount(); o++) {
        if (!copy.getOutput(o).isEmpty()) {
          varying.add(copy.getOutput(o));
          copy.setOutput(o, copy.getOutput(o) + SUFFIX);
        }
      }
      copies.put(node.index(), new Node(node.index(), copy.build()));
    }
    return new ReferencePass(varying, copies);
  }

  /** Whether {@code tensor}'s values differ between input and reference. */
  boolean varies(String tensor) {
    return varying.contains(tensor);
  }

  /** {@code tensor}'s counterpart in the reference pass (itself where it does not vary). */
  String of(String tensor) {
    return varying.contains(tensor) ? tensor + SUFFIX : tensor;
  }

  /** The tensor of the original pass that {@code tensor} copies. */
  static String original(String tensor) {
    return tensor.endsWith(SUFFIX) ? tensor.substring(0, tensor.length() - SUFFIX.length()) : tensor;
  }

  /** {@code node}'s copy in the reference pass. */
  Node node(Node node) {
    Node copy = copies.get(node.index());
    if (copy == null) {
      throw new IllegalStateException("node " + node.describe() + " has no reference copy");
    }
    return copy;
  }

  /** The copied nodes, in topological order, to run after the original ones. */
  List<NodeProto> nodes() {
    List<NodeProto> out = new ArrayList<>();
    copies.values().forEach(n -> out.add(n.proto()));
    return out;
  }
}
