using System;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// Analytic gradients of <see cref="Objectives"/>, written by hand. Each returns the objective's value and overwrites the
/// adjoint spans with the gradient, like the generated <c>…Gradient</c> methods, so the two do the same work.
/// </summary>
public static class HandGradients
{
    /// <summary>∂/∂x[i] = −400 x[i] (x[i+1] − x[i]²) − 2 (1 − x[i]) + 200 (x[i] − x[i−1]²).</summary>
    public static double Rosenbrock(double[] x, Span<double> dX)
    {
        if (dX.Length != x.Length)
        {
            throw new ArgumentException("The adjoint must have the length of x.", nameof(dX));
        }
        dX.Clear();
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double xi = x[i];
            double a = x[i + 1] - xi * xi;
            double b = 1 - xi;
            sum += 100 * a * a + b * b;
            dX[i] += -400 * a * xi - 2 * b;
            dX[i + 1] += 200 * a;
        }
        return sum;
    }

    /// <summary>∂/∂w = (2/n) Σ r_i x_i, ∂/∂b = (2/n) Σ r_i with r_i = w x_i + b − y_i.</summary>
    public static double Mse(double w, double b, double[] x, double[] y, out double dW, out double dB)
    {
        double sum = 0, sumRx = 0, sumR = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i];
            double r = w * xi + b - y[i];
            sum += r * r;
            sumRx += r * xi;
            sumR += r;
        }
        double n = x.Length;
        dW = 2 * sumRx / n;
        dB = 2 * sumR / n;
        return sum / n;
    }

    /// <summary>
    /// With s_jk = logits[k] − (data[j] − means[k])²/2 and the responsibilities p_jk = softmax_k(s_jk):
    /// ∂/∂logits[k] = Σ_j p_jk and ∂/∂means[k] = Σ_j p_jk (data[j] − means[k]).
    /// </summary>
    public static double LogSumExpMixture(double[] logits, double[] means, double[] data, Span<double> dLogits, Span<double> dMeans)
    {
        int components = logits.Length;
        if (means.Length != components || dLogits.Length != components || dMeans.Length != components)
        {
            throw new ArgumentException("logits, means and both adjoints must have the same length.");
        }
        dLogits.Clear();
        dMeans.Clear();
        // Per point: the scores s_k, then their exponentials e_k = exp(s_k − max), kept in one buffer.
        Span<double> e = components <= 256 ? stackalloc double[components] : new double[components];
        double total = 0;
        for (int j = 0; j < data.Length; j++)
        {
            double xj = data[j];
            double max = double.NegativeInfinity;
            for (int k = 0; k < components; k++)
            {
                double d = xj - means[k];
                double s = logits[k] - d * d / 2;
                e[k] = s;
                if (s > max)
                {
                    max = s;
                }
            }
            double sum = 0;
            for (int k = 0; k < components; k++)
            {
                double ek = Math.Exp(e[k] - max);
                e[k] = ek;
                sum += ek;
            }
            total += max + Math.Log(sum);
            double inverse = 1 / sum;
            for (int k = 0; k < components; k++)
            {
                double p = e[k] * inverse;
                dLogits[k] += p;
                dMeans[k] += p * (xj - means[k]);
            }
        }
        return total;
    }
}
