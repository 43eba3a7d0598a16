using System;
using ParabolaSample;

// Usage: Parabola [--steps N] [--rate R]
return ParabolaApp.Run(args, Console.Out, Console.Error);
