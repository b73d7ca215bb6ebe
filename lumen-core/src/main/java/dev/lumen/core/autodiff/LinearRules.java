package dev.lumen.core.autodiff;

import dev.lumen.core.onnx.Node;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of Gemm and MatMul: products with the other operand transposed. The seed axis
 * rides in front as a batch axis of MatMul.
 */
final class LinearRules {
  private LinearRules() {}

  static void register(Map<String, BackwardRule> rules) {
    rules.put("Gemm", BackwardRule.every(LinearRules::gemm));
    rules.put("MatMul", BackwardRule.every(LinearRules::matMul));
  }

  /** {@code Y = alpha * op(A) op(B) + beta * C}, where op transposes when transA/transB is set. */
  private static void gemm(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String g = b.grad(n, 0);
    float alpha = n.floatAttribute("alpha", 1f);
    float beta = n.floatAttribute("beta", 1f);
    boolean transA = n.intAttribute("transA", 0) != 0;
    boolean transB = n.intAttribute("transB", 0) != 0;
    String scaled = alpha == 1f ? g : e.op("Mul", List.of(g, e.scalar(alpha)));
    String a = n.inputs().get(0);
    String bb = n.inputs().get(1);
    if (b.active(n, 0)) {
      // d op(A) = g op(B)^T
      String opBt = transB ? bb : e.op("Transpose", List.of(bb), Attributes.ints("perm", 1, 0));
      String dOpA = e.op("MatMul", List.of(scaled, opBt));
      b.give(n, 0, transA ? e.op("Transpose", List.of(dOpA), Attributes.ints("perm", 0, 2, 1)) : dOpA);
    }
    if (b.active(n, 1)) {
      // d op(B) = op(A)^T g
      String opAt = transA ? a : e.op("Transpose", List.of(a), Attributes.ints("perm", 1, 0));
      String dOpB = e.op("MatMul", List.of(opAt, scaled));
      b.give(n, 1, transB ? e.op("Transpose", List.of(dOpB), Attributes.ints("perm", 0, 2, 1)) : dOpB);
    }
    if (b.active(n, 2)) {
      String c = beta == 1f ? g : e.op("Mul", List.of(g, e.scalar(beta)));
      b.give(n, 2, b.unbroadcast(c, b.shape(n.output()), n.inputs().get(2)));
    }
  }

  /** {@code dA = g B^T}, {@code dB = A^T g}, each summed back over broadcast batch axes. */
  private static void matMul(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String g = b.grad(n, 0);
    String a = n.inputs().get(0);
    String bb = n.inputs().get(1);
    long[] aShape = b.shape(a);
    long[] bShape = b.shape(bb);
    if (aShape.length < 2 || bShape.length < 2) {
      throw b.unsupported(n, "MatMul with a vector operand");
    }
    long[] yShape = b.shape(n.output());
    if (b.active(n, 0)) {
      String dA = e.op("MatMul", List.of(g, swapLast(e, bb, bShape.length)));
      long[] dAShape = yShape.clone();
      dAShape[dAShape.length - 1] = aShape[aShape.length - 1];
      b.give(n, 0, b.unbroadcast(dA, dAShape, a));
    }
    if (b.active(n, 1)) {
      String dB = e.op("MatMul", List.of(swapLast(e, a, aShape.length), g));
      long[] dBShape = yShape.clone();
      dBShape[dBShape.length - 2] = bShape[bShape.length - 2];
      b.give(n, 1, b.unbroadcast(dB, dBShape, bb));
    }
  }

  /** {@code x} with its last two axes swapped. */
  private static String swapLast(GraphEmitter e, String x, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return e.op("Transpose", List.of(x), Attributes.ints("perm", perm));
  }
}
