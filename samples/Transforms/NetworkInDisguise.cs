using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;
using static System.FormattableString;

namespace TransformsSample;

/// <summary>What the two-layer network in disguise computed.</summary>
/// <param name="W1">The first kernel, 2 × 3.</param>
/// <param name="B1">The first bias, 3 elements.</param>
/// <param name="W2">The second kernel, 3 × 2.</param>
/// <param name="B2">The second bias, 2 elements.</param>
/// <param name="W">The kernel of the single layer the two make without an activation: W1·W2, 2 × 2.</param>
/// <param name="B">Its bias: B1·W2 + B2, 2 elements.</param>
/// <param name="Inputs">The random inputs, one point per row, each coordinate in [-1, 1).</param>
/// <param name="MaxDifferenceLinear">The largest |two layers − one layer| over all outputs, with no activation.</param>
/// <param name="MaxDifferenceRelu">The same with a ReLU between the two layers.</param>
/// <param name="MaxSlopeErrorLinear">
/// The largest |∂y_j/∂x_k − W[k, j]| over all inputs, with ∂y/∂x from the generated <c>TwoLayerNetwork.LinearPullback</c>.
/// </param>
/// <param name="DistinctSlopesLinear">How many different ∂y/∂x the inputs have without an activation (one).</param>
/// <param name="DistinctSlopesRelu">How many different ∂y/∂x the inputs have with the ReLU (one per set of active hidden units).</param>
public sealed record DisguiseResult(
    Tensor W1,
    Tensor B1,
    Tensor W2,
    Tensor B2,
    Tensor W,
    Tensor B,
    Tensor Inputs,
    float MaxDifferenceLinear,
    float MaxDifferenceRelu,
    float MaxSlopeErrorLinear,
    int DistinctSlopesLinear,
    int DistinctSlopesRelu);

/// <summary>
/// The talk's "without an activation function, a deep network is a single-layer network in disguise": two Dense layers
/// with no activation compose into one affine map, x·W + B; with a ReLU between them they do not.
/// </summary>
/// <remarks>
/// Dense(Dense(x, W1, B1), W2, B2) = (x·W1 + B1)·W2 + B2 = x·(W1·W2) + (B1·W2 + B2). The weights are picked by hand
/// (round numbers, so that W and B can be checked on paper); the inputs are random points of the plane.
/// </remarks>
public static class NetworkInDisguise
{
    /// <summary>The seed of the random inputs when none is given.</summary>
    public const int DefaultSeed = 1;

    /// <summary>How many random inputs are compared when no count is given.</summary>
    public const int DefaultInputCount = 1000;

    /// <summary>How close the two-layer and one-layer outputs must be to count as equal (float32 arithmetic).</summary>
    public const float Tolerance = 1e-6f;

    /// <summary>W1 = [[0.5, −1, 0.3], [0.8, 0.2, −0.6]]: two inputs to three hidden units.</summary>
    public static Tensor W1() => Tensor.FromArray(2, 3,
    [
        0.5f, -1.0f, 0.3f,
        0.8f, 0.2f, -0.6f,
    ]);

    /// <summary>B1 = [0.1, −0.2, 0.4].</summary>
    public static Tensor B1() => Tensor.FromArray([0.1f, -0.2f, 0.4f]);

    /// <summary>W2 = [[1, −0.5], [0.4, 0.9], [−0.7, 0.6]]: three hidden units to two outputs.</summary>
    public static Tensor W2() => Tensor.FromArray(3, 2,
    [
        1.0f, -0.5f,
        0.4f, 0.9f,
        -0.7f, 0.6f,
    ]);

    /// <summary>B2 = [0.3, −0.1].</summary>
    public static Tensor B2() => Tensor.FromArray([0.3f, -0.1f]);

    /// <summary>
    /// The single layer that Dense(Dense(x, <paramref name="w1"/>, <paramref name="b1"/>), <paramref name="w2"/>,
    /// <paramref name="b2"/>) is: W = W1·W2, and B = B1·W2 + B2, which is the second layer applied to the first bias.
    /// </summary>
    public static (Tensor W, Tensor B) Compose(Tensor w1, Tensor b1, Tensor w2, Tensor b2)
    {
        ArgumentNullException.ThrowIfNull(w1);
        ArgumentNullException.ThrowIfNull(b1);
        ArgumentNullException.ThrowIfNull(w2);
        ArgumentNullException.ThrowIfNull(b2);

        Tensor w = TensorOps.MatMul(w1, w2);
        // B1 as a batch of one row, so that the second layer can take it: Dense(B1, W2, B2) = B1·W2 + B2.
        Tensor b1Row = Tensor.FromArray(1, b1.Length, b1.AsSpan());
        Tensor bRow = Layers.Dense(b1Row, w2, b2);
        return (w, Tensor.FromArray(bRow.AsSpan()));
    }

    /// <summary><paramref name="count"/> random points of the plane, one per row, each coordinate in [-1, 1).</summary>
    public static Tensor RandomInputs(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        Tensor inputs = Tensor.Zeros(count, 2);
        Span<float> values = inputs.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(2.0 * random.NextDouble() - 1.0);
        }
        return inputs;
    }

    /// <summary>The largest |a[i] − b[i]|; the tensors must have the same shape.</summary>
    public static float MaxAbsDifference(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        TensorShapes.RequireSameShape(a, b, nameof(b));
        float max = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }
        return max;
    }

    /// <summary>
    /// Composes the hand-picked layers into one, prints W and B, and compares the outputs of two layers and of one on
    /// <paramref name="inputCount"/> random inputs, first with no activation and then with a ReLU between the layers.
    /// </summary>
    public static DisguiseResult Run(TextWriter output, int seed = DefaultSeed, int inputCount = DefaultInputCount)
    {
        ArgumentNullException.ThrowIfNull(output);
        Tensor w1 = W1(), b1 = B1(), w2 = W2(), b2 = B2();
        (Tensor w, Tensor b) = Compose(w1, b1, w2, b2);
        Tensor inputs = RandomInputs(inputCount, seed);

        Tensor oneLayer = Layers.Dense(inputs, w, b);
        float linear = MaxAbsDifference(TwoLayerNetwork.Linear(inputs, w1, b1, w2, b2), oneLayer);
        float relu = MaxAbsDifference(TwoLayerNetwork.WithRelu(inputs, w1, b1, w2, b2), oneLayer);

        // The slope of each network at each input, ∂y/∂x, from the generated pullbacks.
        List<Tensor> linearSlopes = Slopes(TwoLayerNetwork.LinearPullback, inputs, w1, b1, w2, b2);
        List<Tensor> reluSlopes = Slopes(TwoLayerNetwork.WithReluPullback, inputs, w1, b1, w2, b2);
        float slopeError = 0f;
        for (int j = 0; j < linearSlopes.Count; j++)
        {
            for (int i = 0; i < inputs.Rows; i++)
            {
                for (int k = 0; k < inputs.Columns; k++)
                {
                    slopeError = Math.Max(slopeError, Math.Abs(linearSlopes[j][i, k] - w[k, j]));
                }
            }
        }
        var result = new DisguiseResult(w1, b1, w2, b2, w, b, inputs, linear, relu, slopeError,
            CountDistinct(linearSlopes), CountDistinct(reluSlopes));

        output.WriteLine("A two-layer network in disguise. Two Dense layers (2 inputs, 3 hidden units, 2 outputs):");
        output.WriteLine($"W1 = {w1}");
        output.WriteLine($"B1 = {b1}");
        output.WriteLine($"W2 = {w2}");
        output.WriteLine($"B2 = {b2}");
        output.WriteLine();
        output.WriteLine("With no activation between them, Dense(Dense(x, W1, B1), W2, B2) = (x*W1 + B1)*W2 + B2");
        output.WriteLine("                                                            = x*(W1*W2) + (B1*W2 + B2),");
        output.WriteLine("one Dense layer with W = W1*W2 and B = B1*W2 + B2: 17 parameters that are really 6.");
        output.WriteLine($"W = W1*W2 = {w}");
        output.WriteLine($"B = B1*W2 + B2 = {b}");
        output.WriteLine();
        output.WriteLine(Invariant($"On {inputCount} random inputs (points with coordinates in [-1, 1), seed {seed}):"));
        output.WriteLine(Invariant($"  no activation: largest |two layers - one layer| = {Format(linear)}  ({(linear <= Tolerance ? "equal" : "NOT equal")} to {Tolerance:0e0})"));
        output.WriteLine(Invariant($"  ReLU between:  largest |two layers - one layer| = {Format(relu)}  ({(relu <= Tolerance ? "equal" : "not equal")}: no single layer computes it)"));
        output.WriteLine();
        output.WriteLine("The slope dy/dx at each input, from the generated pullbacks:");
        output.WriteLine(Invariant($"  TwoLayerNetwork.LinearPullback:   {result.DistinctSlopesLinear} different slope(s) among the {inputCount} inputs; dy_j/dx_k = W[k, j] everywhere (largest difference {Format(slopeError)})"));
        output.WriteLine(Invariant($"  TwoLayerNetwork.WithReluPullback: {result.DistinctSlopesRelu} different slopes, one for each set of hidden units the ReLU lets through"));
        return result;
    }

    /// <summary>
    /// For each output j, the tensor whose row i is ∂y_j/∂x at input i: the pullback of a seed that is 1 in column j and
    /// 0 elsewhere. Each row of y depends only on the same row of x, so one pullback gives every input's row at once.
    /// </summary>
    private static List<Tensor> Slopes(Pullback pullback, Tensor inputs, Tensor w1, Tensor b1, Tensor w2, Tensor b2)
    {
        int outputs = w2.Columns;
        var slopes = new List<Tensor>(outputs);
        for (int j = 0; j < outputs; j++)
        {
            Tensor seed = Tensor.Zeros(inputs.Rows, outputs);
            for (int i = 0; i < inputs.Rows; i++)
            {
                seed[i, j] = 1f;
            }
            Tensor dX = Tensor.ZerosLike(inputs);
            pullback(inputs, w1, b1, w2, b2, seed, dX, null, null, null, null);
            slopes.Add(dX);
        }
        return slopes;
    }

    /// <summary>How many inputs (rows) have different slopes, comparing every output's row exactly.</summary>
    private static int CountDistinct(List<Tensor> slopes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var key = new StringBuilder();
        for (int i = 0; i < slopes[0].Rows; i++)
        {
            key.Clear();
            foreach (Tensor slope in slopes)
            {
                foreach (float value in slope.Row(i))
                {
                    key.Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(' ');
                }
            }
            seen.Add(key.ToString());
        }
        return seen.Count;
    }

    private static string Format(float value) => value == 0f ? "0" : value.ToString("0.###E+0", CultureInfo.InvariantCulture);

    /// <summary>The shape of the generated pullbacks of <see cref="TwoLayerNetwork"/>.</summary>
    private delegate void Pullback(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor seed, Tensor? dX, Tensor? dW1, Tensor? dB1, Tensor? dW2, Tensor? dB2);
}
