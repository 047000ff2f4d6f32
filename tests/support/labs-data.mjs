/** The busy lab of labs.ts as plain JavaScript, for the child processes of the store tests. */
export const busyLab = {
  lines: [
    { id: 'print', products: ['print'], unitsPerHour: 40 },
    { id: 'gifts', products: ['album', 'crystal', 'frame'], unitsPerHour: 10 },
  ],
  policy: {
    standardTurnaroundHours: { key: 6, special: 8, regular: 12 },
    rush: { frequentRushCount: 2, tightLoad: 0.6 },
  },
};
