using System;
using AutoDiffGen.Tests.Library;

namespace AutoDiffGen.Tests;

/// <summary>One [Differentiable] method per construct the generator supports; GradientTests checks each against finite differences.</summary>
public static partial class Functions
{
    private const double Scale = 2.5;

    // ---- expressions ----

    [Differentiable]
    public static double Arithmetic(double x, double y) => x * y - x / y + -x + 3 * y - (x - y) * (x + 2);

    [Differentiable]
    public static double CompoundAssignments(double x, double y)
    {
        double s = x;
        s += y;
        s *= x;
        s -= y * y;
        s /= 1 + x * x;
        return s;
    }

    [Differentiable]
    public static double Constants(double x, double y)
    {
        const double k = 0.75;
        return Math.PI * x + k * y + Scale * x * y + double.Epsilon;
    }

    [Differentiable]
    public static double VarAndIntCast(double x, double y)
    {
        var t = x * y;
        int n = (int)(x * 3);   // a step function: zero derivative
        return t + n * y;
    }

    [Differentiable]
    public static double FloatRoundTrip(double x) => (double)(float)(x * x) * 2;

    [Differentiable]
    public static double Trigonometric(double x, double y) =>
        Math.Sin(x) * Math.Cos(y) + Math.Tan(x / 4) + Math.Atan(x * y) + Math.Atan2(y, x + 3);

    [Differentiable]
    public static double InverseTrigonometric(double x) => Math.Asin(x / 2) + Math.Acos(x / 3);

    [Differentiable]
    public static double Hyperbolic(double x, double y) => Math.Sinh(x) + Math.Cosh(y) * Math.Tanh(x * y);

    [Differentiable]
    public static double ExpAndLogs(double x, double y) =>
        Math.Exp(x / 2) * Math.Log(y) + Math.Log10(x * y) + Math.Log2(y + x) + Math.Log(x, y + 1);

    [Differentiable]
    public static double Roots(double x) => Math.Sqrt(x) + Math.Cbrt(x * 2 + 1);

    [Differentiable]
    public static double Power(double x, double y) => Math.Pow(x, y) + Math.Pow(x, 3) + Math.Pow(2, y);

    [Differentiable]
    public static double Piecewise(double x, double y) =>
        Math.Abs(x - y) + Math.Max(x, y) * 2 + Math.Min(x * y, 1) + Math.Clamp(x, -0.5, 0.5) + Math.FusedMultiplyAdd(x, y, x);

    [Differentiable]
    public static double StepFunctions(double x, double y) =>
        x * Math.Floor(y) + Math.Round(x) + Math.Ceiling(y) * y + Math.Sign(x) * x + Math.Truncate(y);

    [Differentiable]
    public static double GenericMathNames(double x) => double.Sin(x) * double.Exp(x);

    private static readonly double s_weight = 1.5;
    private static readonly double[] s_table = [1, 2, 3];

    [Differentiable]
    public static double StaticFields(double x) => s_weight * x * x + s_table[1] * x;

    /// <summary>A plain helper without a derivative: callable from [Differentiable] code with constant arguments.</summary>
    public static double HalfOf(int p) => 0.5 * p;

    /// <summary>Another plain helper, reading a data array.</summary>
    public static double Largest(double[] data)
    {
        double largest = double.NegativeInfinity;
        foreach (double value in data)
        {
            largest = Math.Max(largest, value);
        }
        return largest;
    }

    [Differentiable]
    public static double ConstantCalls(double x, int p, [NoDerivative] double[] data) => x * HalfOf(p) + Math.Sin(x) * Largest(data);

    // ---- locals and branches ----

    [Differentiable]
    public static double ReassignedLocals(double x, double y)
    {
        double t = x * y;
        t = t * t + x;
        double u = t;
        t = Math.Sin(t) + u;
        return t * u;
    }

    [Differentiable]
    public static double IfElse(double x, double y)
    {
        double r;
        if (x > y)
        {
            r = x * x;
        }
        else if (x > 0)
        {
            r = y * x;
        }
        else
        {
            r = -y;
        }
        if (r > 1)
        {
            if (y > 0)
            {
                r = r * y;
            }
        }
        return r;
    }

    [Differentiable]
    public static double Ternary(double x, double y) => x > y ? x * y : (y > 1 ? y * y : x - y);

    [Differentiable]
    public static double EarlyReturns(double x, double y)
    {
        if (x < 0)
        {
            return -x * y;
        }
        double t = x + y;
        if (t > 3)
        {
            return t * t;
        }
        return Math.Exp(t) - x;
    }

    [Differentiable]
    public static double ParameterReassigned(double x, double y)
    {
        x = x * y;
        y = x + y;
        x = x * x;
        return x + y;
    }

    // ---- loops ----

    [Differentiable]
    public static double SumOfSquares(double[] v)
    {
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i] * v[i];
        }
        return sum;
    }

    [Differentiable]
    public static double Horner(double x, double[] c)
    {
        double s = 0;
        for (int i = 0; i < c.Length; i++)
        {
            s = s * x + c[i];
        }
        return s;
    }

    [Differentiable]
    public static double QuadraticForm(double[] a, double[] v)
    {
        // vᵀ A v with A stored row-major, n × n
        int n = v.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double row = 0;
            for (int j = 0; j < n; j++)
            {
                row += a[i * n + j] * v[j];
            }
            total += v[i] * row;
        }
        return total;
    }

    [Differentiable]
    public static double ForEachProduct(ReadOnlySpan<double> v)
    {
        double product = 1;
        foreach (double value in v)
        {
            product *= 1 + value * value;
        }
        return Math.Log(product);
    }

    [Differentiable]
    public static double WhileNewton(double a)
    {
        // Square root by Newton's method: the derivative flows through every iteration.
        double x = a;
        int steps = 0;
        while (steps < 6)
        {
            x = 0.5 * (x + a / x);
            steps++;
        }
        return x;
    }

    [Differentiable]
    public static double DoWhileGrowth(double x)
    {
        double s = x;
        int k = 0;
        do
        {
            s = s * 1.1 + Math.Sin(s);
            k++;
        }
        while (s < 10 && k < 20);
        return s;
    }

    [Differentiable]
    public static double AccumulatorReadBeforeAndAfterLoops(double[] v, double x, [NoDerivative] double[] data)
    {
        // s is read before the loops (by t) and after them, but only accumulated inside: it is stored once per loop.
        double s = x * x;
        double t = s * x;
        for (int i = 0; i < v.Length; i++)
        {
            s += v[i] * v[i];
        }
        int k = 0;
        while (k < data.Length)
        {
            s -= data[k] * x;
            k++;
        }
        return s * t;
    }

    [Differentiable]
    public static double TriangularTransform(double[] l, double[] v)
    {
        // t = (2I + L)·v with L strictly lower triangular, stored column by column; then |t|².
        int d = v.Length;
        double[] t = new double[d];
        for (int j = 0; j < d; j++)
        {
            t[j] = v[j] * 2;
        }
        int k = 0;
        for (int column = 0; column < d; column++)
        {
            for (int row = column + 1; row < d; row++)
            {
                t[row] += l[k] * v[column];
                k++;
            }
        }
        double s = 0;
        for (int j = 0; j < d; j++)
        {
            s += t[j] * t[j];
        }
        return s;
    }

    [Differentiable]
    public static double StridedWhile(double[] v, double x)
    {
        // k is read as an index by the derivative and stepped by an amount that itself changes.
        double s = 0;
        int k = 0;
        int stride = 1;
        while (k < v.Length)
        {
            s = s * x + v[k] * v[k];
            k += stride;
            stride++;
        }
        return s;
    }

    [Differentiable]
    public static double BreakAndContinue(double[] v, double t)
    {
        double acc = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] < 0)
            {
                continue;
            }
            acc += v[i] * t;
            if (acc > 5)
            {
                break;
            }
            acc = acc * acc;
        }
        return acc;
    }

    [Differentiable]
    public static double DescendingLoop(double[] v)
    {
        double s = 0;
        for (int i = v.Length - 1; i >= 0; i--)
        {
            s = Math.Tanh(s + v[i]);
        }
        return s;
    }

    [Differentiable]
    public static double LoopWithReturn(double[] v, double x)
    {
        double s = x;
        for (int i = 0; i < v.Length; i++)
        {
            s = s * v[i];
            if (Math.Abs(s) > 100)
            {
                return s / 100;
            }
        }
        return s;
    }

    [Differentiable]
    public static double LocalArrays(double[] v)
    {
        int n = v.Length;
        double[] prefix = new double[n];
        prefix[0] = v[0];
        for (int i = 1; i < n; i++)
        {
            prefix[i] = prefix[i - 1] * 0.5 + v[i] * v[i];
        }
        double[] squares = new double[n];
        for (int i = 0; i < n; i++)
        {
            squares[i] = prefix[i] * prefix[i];
            squares[i] = squares[i] + prefix[i];
        }
        double total = 0;
        foreach (double s in squares)
        {
            total += s;
        }
        return total;
    }

    [Differentiable]
    public static double NoDerivativeData(double w, double b, [NoDerivative] double[] x, [NoDerivative] double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double error = w * x[i] + b - y[i];
            sum += error * error;
        }
        return sum / x.Length;
    }

    [Differentiable]
    public static double IntParameter(double x, int power)
    {
        double r = 1;
        for (int i = 0; i < power; i++)
        {
            r *= x;
        }
        return r;
    }

    // ---- calls ----

    [Differentiable]
    public static double Square(double x) => x * x;

    [Differentiable]
    public static double CallsInSameClass(double x, double y) => Square(x * y) + Math.Exp(Square(y)) * Square(x);

    [Differentiable]
    public static double CallsInLoop(double[] v, double x)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++)
        {
            s += Square(v[i] - x) + Helpers.Softplus(s * 0.1);
        }
        return s;
    }

    [Differentiable]
    public static double CallsAcrossAssemblies(double x, double y, double[] v) =>
        Geometry.Hypot(x, y) * Geometry.SquaredNorm(v) + Geometry.Hypot(Square(x), 1);

    [Differentiable]
    public static double CallsWithConstantArray(double x, [NoDerivative] double[] data) => x * Geometry.SquaredNorm(data);

    // ---- float ----

    /// <summary>Every MathF function with a rule, in float; <see cref="AllMathDouble"/> is the same formula in double.</summary>
    [Differentiable]
    public static float AllMathF(float x, float y) =>
        MathF.Sin(x) + MathF.Cos(y) + MathF.Tan(x / 4) + MathF.Asin(x / 3) + MathF.Acos(y / 3) + MathF.Atan(x * y) +
        MathF.Atan2(y, x + 3) + MathF.Sinh(x) + MathF.Cosh(y) + MathF.Tanh(x * y) + MathF.Exp(x / 2) + MathF.Log(y + 2) +
        MathF.Log(x + 3, y + 2) + MathF.Log10(x + 3) + MathF.Log2(y + 3) + MathF.Sqrt(x + 3) + MathF.Cbrt(y + 2) +
        MathF.Pow(x + 3, y) + MathF.Abs(x) + MathF.Max(x, y) + MathF.Min(x, y) + Math.Clamp(x, -0.5f, 0.5f) +
        MathF.FusedMultiplyAdd(x, y, x) + MathF.Floor(y) * x;

    /// <summary>The double twin of <see cref="AllMathF"/>.</summary>
    [Differentiable]
    public static double AllMathDouble(double x, double y) =>
        Math.Sin(x) + Math.Cos(y) + Math.Tan(x / 4) + Math.Asin(x / 3) + Math.Acos(y / 3) + Math.Atan(x * y) +
        Math.Atan2(y, x + 3) + Math.Sinh(x) + Math.Cosh(y) + Math.Tanh(x * y) + Math.Exp(x / 2) + Math.Log(y + 2) +
        Math.Log(x + 3, y + 2) + Math.Log10(x + 3) + Math.Log2(y + 3) + Math.Sqrt(x + 3) + Math.Cbrt(y + 2) +
        Math.Pow(x + 3, y) + Math.Abs(x) + Math.Max(x, y) + Math.Min(x, y) + Math.Clamp(x, -0.5, 0.5) +
        Math.FusedMultiplyAdd(x, y, x) + Math.Floor(y) * x;

    [Differentiable]
    public static float FloatFunction(float x, float[] w)
    {
        float s = MathF.Sin(x);
        for (int i = 0; i < w.Length; i++)
        {
            s += w[i] * MathF.Exp(-x * i) + MathF.Sqrt(w[i] * w[i] + 1f);
        }
        return s * x;
    }
}

/// <summary>Differentiable helpers in a second class.</summary>
public static partial class Helpers
{
    /// <summary>log(1 + eˣ), written stably.</summary>
    [Differentiable]
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));
}

/// <summary>Accumulating loops whose partial derivatives the generator sums in the forward loop.</summary>
public static partial class Accumulations
{
    [Differentiable]
    public static double RootMeanSquare(double w, double b, [NoDerivative] double[] x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = w * x[i] - b;
            sum += r * r;
        }
        return Math.Sqrt(sum / x.Length) * sum;
    }

    [Differentiable]
    public static double LogisticLoss(double w, double b, [NoDerivative] double[] x, [NoDerivative] double[] labels)
    {
        double loss = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double margin = labels[i] * (w * x[i] + b);
            loss -= -Math.Log(1 + Math.Exp(-margin));
        }
        return -loss / x.Length + 0.1 * w * w;
    }

    [Differentiable]
    public static float FloatSum(float scale, [NoDerivative] float[] x)
    {
        float total = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            total += MathF.Tanh(scale * x[i]);
        }
        return total;
    }
}
