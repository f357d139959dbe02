import { redirect } from "next/navigation";

// The app starts at the workflows list (which sends signed-out visitors to /sign-in); the node catalog is at /nodes.
export default function HomePage() {
  redirect("/workflows");
}
