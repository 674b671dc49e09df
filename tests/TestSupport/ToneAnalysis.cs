namespace SyfalaGraph.Tests;

/// <summary>THD+N of a sine tone by a four-parameter sine fit (IEEE 1057); frequency comes from <see cref="RisingZeroCrossings"/>.</summary>
internal static class ToneAnalysis
{
    /// <summary>
    /// THD+N in dB: residual RMS after the best-fitting sine (amplitude, phase, offset and frequency refined by
    /// Gauss-Newton from <paramref name="cyclesPerSample"/>) relative to the sine's RMS.
    /// </summary>
    public static double ThdPlusNoiseDb(ReadOnlySpan<float> x, double cyclesPerSample)
    {
        double w = 2 * Math.PI * cyclesPerSample;
        double a = 0, b = 0, c = 0;
        for (int iteration = 0; iteration < 6; iteration++)
        {
            // Linearised model: a cos(wn) + b sin(wn) + c + dw · n (−a sin(wn) + b cos(wn)).
            var m = new double[4, 4];
            var v = new double[4];
            for (int n = 0; n < x.Length; n++)
            {
                double cs = Math.Cos(w * n), sn = Math.Sin(w * n);
                double[] g = iteration == 0 ? [cs, sn, 1, 0] : [cs, sn, 1, n * ((-a * sn) + (b * cs))];
                for (int r = 0; r < 4; r++)
                {
                    v[r] += g[r] * x[n];
                    for (int k = 0; k < 4; k++)
                    {
                        m[r, k] += g[r] * g[k];
                    }
                }
            }

            if (iteration == 0)
            {
                m[3, 3] = 1; // frequency held on the first pass
            }

            double[] s = Solve(m, v);
            a = s[0];
            b = s[1];
            c = s[2];
            w += s[3];
        }

        double residual = 0, signal = 0;
        for (int n = 0; n < x.Length; n++)
        {
            double fit = (a * Math.Cos(w * n)) + (b * Math.Sin(w * n)) + c;
            residual += (x[n] - fit) * (x[n] - fit);
            signal += (fit - c) * (fit - c);
        }

        return 10 * Math.Log10(residual / signal);
    }

    private static double[] Solve(double[,] m, double[] v)
    {
        int n = v.Length;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            }

            (v[col], v[pivot]) = (v[pivot], v[col]);
            for (int r = col + 1; r < n; r++)
            {
                double f = m[r, col] / m[col, col];
                for (int k = col; k < n; k++)
                {
                    m[r, k] -= f * m[col, k];
                }

                v[r] -= f * v[col];
            }
        }

        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = v[r];
            for (int k = r + 1; k < n; k++)
            {
                s -= m[r, k] * x[k];
            }

            x[r] = s / m[r, r];
        }

        return x;
    }
}
