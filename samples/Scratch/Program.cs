using System;
using AutoDiffGen;

double v = Funcs.HornerGradient(2.0, new double[] { 1, 2, 3 }, out double dx, new double[3]);
Console.WriteLine($"{v} {dx}");

public static partial class Funcs
{
    [Differentiable]
    public static double Square(double x) => x * x;

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
    public static double Mixed(double x, double y)
    {
        double t = Math.Exp(x * y) + Math.Sin(x) / y;
        if (t > 2)
        {
            return t * t;
        }
        return Square(t) - x;
    }

    [Differentiable]
    public static double WhileLoop(double x)
    {
        double s = x;
        int n = 0;
        while (s < 100)
        {
            s = s * 1.5 + x;
            n++;
            if (n > 50) break;
        }
        return s;
    }
}
