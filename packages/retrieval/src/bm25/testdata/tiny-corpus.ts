/** Six short documents (one empty) with shared vocabulary, for small engine tests. */
export const TINY_DOCS = [
  "The heart pumps blood through arteries and veins.",
  "Arteries carry blood away from the heart; veins return it.",
  "Bones of the skull protect the brain.",
  "The heart has four chambers: two atria and two ventricles.",
  "",
  "Lymph returns to the venous blood near the heart.",
];
