using System;
using AutoDiffGen;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>
/// GradBench's <c>lstm</c> eval (from ADBench): a stack of LSTM layers whose weight matrices are diagonal predicts
/// each next character of a text, one-hot over b bits; the objective is the mean log-loss of those predictions.
/// </summary>
public static partial class LstmObjective
{
    /// <summary>The logistic function 1 / (1 + e⁻ᶻ).</summary>
    [Differentiable]
    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>
    /// The mean log-loss −(1 / (b(c − 1))) Σₜ Σᵢ sequence[t + 1]ᵢ · log softmax(prediction after sequence[t])ᵢ,
    /// where the softmax has an extra 2 in its denominator, as in ADBench. All arrays are flattened row-major.
    /// </summary>
    /// <param name="mainParams">Per layer 8b values: the weights of the forget, input, output and change gates, then their biases.</param>
    /// <param name="extraParams">3b values: the input weights, the output weights and the output biases.</param>
    /// <param name="state">Per layer 2b values, the initial hidden state then the initial cell state; not modified.</param>
    /// <param name="sequence">c characters of b bits each.</param>
    /// <param name="layers">The number of layers.</param>
    /// <param name="bits">b, the bits per character and the width of every layer.</param>
    /// <param name="characters">c, the length of the sequence.</param>
    [Differentiable]
    public static double Loss(
        double[] mainParams, double[] extraParams, [NoDerivative] double[] state, [NoDerivative] double[] sequence,
        int layers, int bits, int characters)
    {
        double[] current = new double[state.Length];
        for (int i = 0; i < state.Length; i++)
        {
            current[i] = state[i];
        }
        double[] prediction = new double[bits];
        double total = 0;
        int count = 0;
        for (int t = 0; t < characters - 1; t++)
        {
            for (int i = 0; i < bits; i++)
            {
                prediction[i] = sequence[t * bits + i] * extraParams[i];
            }
            for (int layer = 0; layer < layers; layer++)
            {
                int weights = layer * 8 * bits;
                int biases = weights + 4 * bits;
                int hidden = layer * 2 * bits;
                int cell = hidden + bits;
                for (int i = 0; i < bits; i++)
                {
                    // The first layer reads the scaled input; every later one the hidden state just computed below it.
                    double input = layer == 0 ? prediction[i] : current[hidden - 2 * bits + i];
                    double forget = Sigmoid(input * mainParams[weights + i] + mainParams[biases + i]);
                    double ingate = Sigmoid(current[hidden + i] * mainParams[weights + bits + i] + mainParams[biases + bits + i]);
                    double outgate = Sigmoid(input * mainParams[weights + 2 * bits + i] + mainParams[biases + 2 * bits + i]);
                    double change = Math.Tanh(current[hidden + i] * mainParams[weights + 3 * bits + i] + mainParams[biases + 3 * bits + i]);
                    current[cell + i] = current[cell + i] * forget + ingate * change;
                    current[hidden + i] = outgate * Math.Tanh(current[cell + i]);
                }
            }
            int top = (layers - 1) * 2 * bits;
            for (int i = 0; i < bits; i++)
            {
                prediction[i] = current[top + i] * extraParams[bits + i] + extraParams[2 * bits + i];
            }
            double sum = 0;
            for (int i = 0; i < bits; i++)
            {
                sum += Math.Exp(prediction[i]);
            }
            double logNormalizer = Math.Log(sum + 2);
            for (int i = 0; i < bits; i++)
            {
                total += sequence[(t + 1) * bits + i] * (prediction[i] - logNormalizer);
            }
            count += bits;
        }
        return -total / count;
    }
}
